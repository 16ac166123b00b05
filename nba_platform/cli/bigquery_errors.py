"""`bq-init`'s failures as one line naming the problem and the setting or permission to fix.

google-cloud-bigquery raises google.auth errors (no or refused credentials) and google.api_core errors
(one per HTTP status); their text leads with the request's method and URL, which names nothing useful.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from nba_platform.cli.errors import CommandFailed, UsageError
from nba_platform.core.settings import ProdSettings

_REQUEST = re.compile(r"^[A-Z]+ https?://\S+: ")


def detail(exc: BaseException) -> str:
    """The service's own words, on one line, without the request's method and URL."""
    text = getattr(exc, "message", None) or str(exc)
    return _REQUEST.sub("", " ".join(str(text).split()))


@contextmanager
def explain(settings: ProdSettings) -> Iterator[None]:
    """Re-raise Google's errors as UsageError (what the user can fix: exit 2) or CommandFailed (exit 1)."""
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    from nba_platform.core.warehouse.bigquery import WarehouseError

    project = settings.project
    try:
        yield
    except auth.DefaultCredentialsError as exc:
        raise UsageError(
            f"no Google Cloud credentials ({detail(exc)}): set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
            "key file, or run `gcloud auth application-default login`"
        ) from exc
    except (auth.RefreshError, api.Unauthorized) as exc:
        raise UsageError(f"Google Cloud refused the credentials ({detail(exc)}): renew them or use another account") from exc
    except api.Forbidden as exc:
        raise UsageError(
            f"BigQuery denied access in project {project} ({detail(exc)}): the account needs the BigQuery Data "
            "Editor and BigQuery Job User roles there"
        ) from exc
    except api.NotFound as exc:
        raise UsageError(f"BigQuery found no such resource ({detail(exc)}): is NBA_GCP_PROJECT={project} right?") from exc
    except api.BadRequest as exc:
        raise UsageError(
            f"BigQuery rejected the request ({detail(exc)}): check NBA_BQ_LOCATION={settings.location} and "
            f"NBA_BQ_DATASET_PREFIX={settings.dataset_prefix!r}"
        ) from exc
    except api.ClientError as exc:
        raise UsageError(f"BigQuery refused the request: {detail(exc)}") from exc
    except WarehouseError as exc:
        raise UsageError(str(exc)) from exc
    except TimeoutError as exc:
        raise CommandFailed(f"BigQuery did not answer within {settings.job_timeout_s:g} s (NBA_BQ_JOB_TIMEOUT_S)") from exc
    except (api.GoogleAPIError, auth.TransportError, OSError) as exc:
        raise CommandFailed(f"BigQuery failed: {detail(exc)}") from exc
