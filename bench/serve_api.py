"""Our API as a uvicorn target, so it runs with exactly the bare app's server settings.

Migrations are applied beforehand by `viperatron migrate` (see bench/run.py).
"""

from app.main import create_app
from app.core.settings import Settings

app = create_app(Settings.from_env())
