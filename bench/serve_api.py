"""Our API as a uvicorn target, so it runs with exactly the bare app's server settings.

Migrations are applied beforehand by `viperatron migrate` (see bench/run.py).
"""

from app.core.settings import Settings
from app.main import create_app

app = create_app(Settings.from_env())
