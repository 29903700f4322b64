"""Baseline (d): the least a send endpoint can do — parse the body, one asyncpg INSERT.

The bench creates `bare_messages`. Pool size 5 matches Tortoise's asyncpg default.
"""

import os
from contextlib import asynccontextmanager
from typing import Optional

import asyncpg
from fastapi import FastAPI
from pydantic import BaseModel, Field


class Send(BaseModel):
    to: str
    from_: str = Field(alias="from")
    subject: str
    html: Optional[str] = None
    text: Optional[str] = None


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=5)
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/send", status_code=202)
async def send(body: Send) -> dict:
    message_id = await app.state.pool.fetchval(
        "INSERT INTO bare_messages (to_address, from_address, subject, html, text)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
        body.to, body.from_, body.subject, body.html, body.text,
    )
    return {"messageId": f"msg_{message_id}", "status": "queued"}
