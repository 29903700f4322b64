"""Delivery: recipients, tags, attachments, the status timeline, suppressions and
idempotency records; scheduling and retry columns on messages. Both dialects, as in 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_UP if db.capabilities.dialect == "postgres" else SQLITE_UP


async def downgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_DOWN if db.capabilities.dialect == "postgres" else SQLITE_DOWN


POSTGRES_UP = """
        CREATE TABLE IF NOT EXISTS "idempotency_records" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(255) NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "status_code" INT NOT NULL,
    "response" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_idempotency_organiz_b391a4" UNIQUE ("organization_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_idempotency_expires_c48357" ON "idempotency_records" ("expires_at");
COMMENT ON TABLE "idempotency_records" IS 'The stored outcome of a POST made with an `Idempotency-Key` (kept 24 hours).';
        CREATE TABLE IF NOT EXISTS "message_attachments" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "filename" VARCHAR(255) NOT NULL,
    "content_type" VARCHAR(255) NOT NULL,
    "size" INT NOT NULL,
    "content" BYTEA NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE
);
        CREATE TABLE IF NOT EXISTS "message_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_message_eve_message_f03907" ON "message_events" ("message_id", "id");
COMMENT ON TABLE "message_events" IS 'One status transition of a message: the timeline `GET /messages/{id}` returns.';
        CREATE TABLE IF NOT EXISTS "message_recipients" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(3) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_message_rec_organiz_a0b673" ON "message_recipients" ("organization_id", "email_key");
COMMENT ON TABLE "message_recipients" IS 'One row per to/cc/bcc address, so messages can be filtered (and erased) by address.';
        CREATE TABLE IF NOT EXISTS "message_tags" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "tag" VARCHAR(100) NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_message_tag_organiz_46fa9b" ON "message_tags" ("organization_id", "tag");
        CREATE TABLE IF NOT EXISTS "suppressions" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "reason" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "message_id" VARCHAR(40),
    "created_at" TIMESTAMPTZ NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_suppression_organiz_9513b8" UNIQUE ("organization_id", "email_key")
);
CREATE INDEX IF NOT EXISTS "idx_suppression_organiz_7ff1b1" ON "suppressions" ("organization_id", "id");
COMMENT ON TABLE "suppressions" IS 'An address the organization never sends to (unsubscribed, bounced, complained, manual).';
        ALTER TABLE "messages" ADD "send_at" TIMESTAMPTZ;
        ALTER TABLE "messages" ADD "headers" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "messages" ADD "cc" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "last_reply" TEXT;
        ALTER TABLE "messages" ADD "tags" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "sent_at" TIMESTAMPTZ;
        ALTER TABLE "messages" ADD "metadata" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "messages" ADD "bcc" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "attempts" INT NOT NULL DEFAULT 0;
        ALTER TABLE "messages" ADD "reply_to" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "due_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP;
        ALTER TABLE "messages" ADD "attachment_count" INT NOT NULL DEFAULT 0;
        CREATE INDEX IF NOT EXISTS "idx_messages_organiz_5aa3da" ON "messages" ("organization_id", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_messages_status_aab9f0" ON "messages" ("status", "due_at");
        UPDATE "messages" SET "due_at" = "created_at";
        -- The worker's claim: only claimable rows, in due order (a partial index, which
        -- the model cannot declare; without it every claim scans and sorts the table).
        CREATE INDEX IF NOT EXISTS "idx_messages_claimable" ON "messages" ("due_at")
            WHERE "status" IN ('queued', 'deferred', 'sending');
"""

SQLITE_UP = """
        CREATE TABLE IF NOT EXISTS "idempotency_records" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "status_code" INT NOT NULL,
    "response" JSON,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_idempotency_organiz_b391a4" UNIQUE ("organization_id", "key")
) /* The stored outcome of a POST made with an `Idempotency-Key` (kept 24 hours). */;
CREATE INDEX IF NOT EXISTS "idx_idempotency_expires_c48357" ON "idempotency_records" ("expires_at");
        CREATE TABLE IF NOT EXISTS "message_attachments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "filename" VARCHAR(255) NOT NULL,
    "content_type" VARCHAR(255) NOT NULL,
    "size" INT NOT NULL,
    "content" BLOB NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE
);
        CREATE TABLE IF NOT EXISTS "message_events" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE
) /* One status transition of a message: the timeline `GET /messages/{id}` returns. */;
CREATE INDEX IF NOT EXISTS "idx_message_eve_message_f03907" ON "message_events" ("message_id", "id");
        CREATE TABLE IF NOT EXISTS "message_recipients" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(3) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
) /* One row per to/cc/bcc address, so messages can be filtered (and erased) by address. */;
CREATE INDEX IF NOT EXISTS "idx_message_rec_organiz_a0b673" ON "message_recipients" ("organization_id", "email_key");
        CREATE TABLE IF NOT EXISTS "message_tags" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "tag" VARCHAR(100) NOT NULL,
    "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_message_tag_organiz_46fa9b" ON "message_tags" ("organization_id", "tag");
        CREATE TABLE IF NOT EXISTS "suppressions" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "reason" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "message_id" VARCHAR(40),
    "created_at" TIMESTAMP NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_suppression_organiz_9513b8" UNIQUE ("organization_id", "email_key")
) /* An address the organization never sends to (unsubscribed, bounced, complained, manual). */;
CREATE INDEX IF NOT EXISTS "idx_suppression_organiz_7ff1b1" ON "suppressions" ("organization_id", "id");
        ALTER TABLE "messages" ADD "reply_to" JSON NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "last_reply" TEXT;
        ALTER TABLE "messages" ADD "bcc" JSON NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "due_at" TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
        ALTER TABLE "messages" ADD "metadata" JSON NOT NULL DEFAULT '{}';
        ALTER TABLE "messages" ADD "send_at" TIMESTAMP;
        ALTER TABLE "messages" ADD "cc" JSON NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "headers" JSON NOT NULL DEFAULT '{}';
        ALTER TABLE "messages" ADD "attachment_count" INT NOT NULL DEFAULT 0;
        ALTER TABLE "messages" ADD "attempts" INT NOT NULL DEFAULT 0;
        ALTER TABLE "messages" ADD "tags" JSON NOT NULL DEFAULT '[]';
        ALTER TABLE "messages" ADD "sent_at" TIMESTAMP;
        CREATE INDEX IF NOT EXISTS "idx_messages_organiz_5aa3da" ON "messages" ("organization_id", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_messages_status_aab9f0" ON "messages" ("status", "due_at");
        UPDATE "messages" SET "due_at" = "created_at";
        -- The worker's claim: only claimable rows, in due order (a partial index, which
        -- the model cannot declare; without it every claim scans and sorts the table).
        CREATE INDEX IF NOT EXISTS "idx_messages_claimable" ON "messages" ("due_at")
            WHERE "status" IN ('queued', 'deferred', 'sending');
"""

POSTGRES_DOWN = """
        DROP INDEX IF EXISTS "idx_messages_claimable";
        DROP INDEX IF EXISTS "idx_messages_status_aab9f0";
        DROP INDEX IF EXISTS "idx_messages_organiz_5aa3da";
        ALTER TABLE "messages" DROP COLUMN "send_at";
        ALTER TABLE "messages" DROP COLUMN "headers";
        ALTER TABLE "messages" DROP COLUMN "cc";
        ALTER TABLE "messages" DROP COLUMN "last_reply";
        ALTER TABLE "messages" DROP COLUMN "tags";
        ALTER TABLE "messages" DROP COLUMN "sent_at";
        ALTER TABLE "messages" DROP COLUMN "metadata";
        ALTER TABLE "messages" DROP COLUMN "bcc";
        ALTER TABLE "messages" DROP COLUMN "attempts";
        ALTER TABLE "messages" DROP COLUMN "reply_to";
        ALTER TABLE "messages" DROP COLUMN "due_at";
        ALTER TABLE "messages" DROP COLUMN "attachment_count";
        DROP TABLE IF EXISTS "message_recipients";
        DROP TABLE IF EXISTS "message_tags";
        DROP TABLE IF EXISTS "message_events";
        DROP TABLE IF EXISTS "message_attachments";
        DROP TABLE IF EXISTS "idempotency_records";
        DROP TABLE IF EXISTS "suppressions";"""

SQLITE_DOWN = """
        DROP INDEX IF EXISTS "idx_messages_claimable";
        DROP INDEX IF EXISTS "idx_messages_status_aab9f0";
        DROP INDEX IF EXISTS "idx_messages_organiz_5aa3da";
        ALTER TABLE "messages" DROP COLUMN "reply_to";
        ALTER TABLE "messages" DROP COLUMN "last_reply";
        ALTER TABLE "messages" DROP COLUMN "bcc";
        ALTER TABLE "messages" DROP COLUMN "due_at";
        ALTER TABLE "messages" DROP COLUMN "metadata";
        ALTER TABLE "messages" DROP COLUMN "send_at";
        ALTER TABLE "messages" DROP COLUMN "cc";
        ALTER TABLE "messages" DROP COLUMN "headers";
        ALTER TABLE "messages" DROP COLUMN "attachment_count";
        ALTER TABLE "messages" DROP COLUMN "attempts";
        ALTER TABLE "messages" DROP COLUMN "tags";
        ALTER TABLE "messages" DROP COLUMN "sent_at";
        DROP TABLE IF EXISTS "idempotency_records";
        DROP TABLE IF EXISTS "message_events";
        DROP TABLE IF EXISTS "message_attachments";
        DROP TABLE IF EXISTS "message_recipients";
        DROP TABLE IF EXISTS "message_tags";
        DROP TABLE IF EXISTS "suppressions";"""


MODELS_STATE = (
    "eJztXVlz2zgS/isovaxT5XEc+chRU1MlOU7iiY+srdmdIykaImEJa14hQDuabP77AjzEC5"
    "RJmaQpLF4SGUQD1NetRqO70fg+sBwDmWRn5OKPaDF4A74PbGgh9iH3ZBsMoOsm7byBwqkZ"
    "dIUu1m7RImiEU0I9qFPWfgNNgliTgYjuYZdix+a9RzYYfToBjGAHXNjmAtA5AlcfRj8NDw"
    "6BcxP8SZDuIQowAYQ6HjK2gWv6BEBA5o5HgYGJa8IFcD10g7/t8HkNR2cTY3vW3hS+jb/6"
    "SKPODLEBPDbRX19YM7YN9A2R+E/3VrvByDQyYGKDDxC0a3ThBm1Hc+i9C3ry159qumP6lp"
    "30dhd07tjL7uzb8dYZspEHKTJSANu+aUa8iJvCd2UN1PPR8iWNpMFAN9A3OZsGP9/4ts65"
    "AyKeO94M2vhvyNvIzs8mtKYG/OWX6D1TlJp2fjHRro4nmjYoMJq/VY4xUZPOhmVCgm1KAp"
    "Qs+E0zkT2jc/bn/u6PcJ4ErbAXn/Bfo8ujD6PLrf3dZ3xCh0laKILn0ZNh8OhHMASkMBwk"
    "4E3CjOD/GuyI+zfDkLgh4UjyO1kC2w3UL3arYM16lYIdPONoJ+iyH502h2ReB+E0TVdiH2"
    "PWOsqH+xVAPtwvxZg/ykIc6qQ6ACcUbQnx0+H74rCKEB+Wy/BhHl+uBuugG/fvUEGY+A51"
    "pI+rqONybVyQXeRpFrZ9KkD4xKYl4pshysHMXrstmNuU4Rl/iZ+GL/Zf7r/aO9x/xboEL7"
    "psebkC+JPziQBXAy5qghpRKEQFiDLzkH95DdIiqG/ZE4otJEY2S5kD14hId+IPmwg1+4IG"
    "N6wjxb8C18nJ2fHVZHT2iU9nEfLVDPAbTY75k2HQusi1buWV9XIQ8O+TyQfA/wR/XpwfB/"
    "A6hM68YMak3+TPAX8n6FNHs517DRqpNSpujVHLcN1Dd87tWlzPUjbA9eh1+8L0DWFyjMlK"
    "LpuQUM0na/E5T6s43WdOp/eyWr1tuIC0OwuvM/O5mf0293zc3Aq322kYi/C/czyEZ/ZHtA"
    "iYcMLeFNq6yM6LnBMXueE2DPwfsZTFrcnP34P3S9eRSPjYB4YAoqHYjq6ORm+PBwHyU6jf"
    "3kPP0EpYYCFC4AyRIvzjiPLdx0tkLjEVI38WjrKx+qyAeYCdM3RSmGXQLD6yhla+BdoMEy"
    "Oam88UoXXk2DT0gxZ8qvGj7VVOVT3sVM2pWg6FwGn5V+EniSyITe7CHXzJeTSLfZksfpHE"
    "zxlDLJ+LM2BoHVYsCSRc4faGVfBmvUoBD55ld4fJT6YuyjGRQroa0jfYYwZ3Xad9lmotrH"
    "u2imWhHlby3Q9X+O6HRd99sLWpi3SGSAFdCWjdJ9RZmhIFsH+9ujgvcS3lCfO7T6xT8F9g"
    "YtKaCy+1jk59bFJskx0+bWuL5wr4OVCZnWiM+tbZ6Pc8Q45OL8b5LSYfYKwcf8rxN/BdY0"
    "2uZykV1/vCdYF/KHp75R5S7qF+gv8k7iEKZ490DUUejQmcSYR5dr93h2z6SJSO+RgyAdSB"
    "/4yLVLkLLRK4B71oWiziD6cnXtgIeM49cJEHtiLybcDon73h/xJww2xe9izIIWQvBe7hAj"
    "Bb+Oqfp5giAG0DfArXKNZSTE1sfnihh09PXIxs1ApuvWWvyn69MZ6V5hYIl0NBWkGk2vqb"
    "yRXmFLweDvf2Xg539w5fHey/fHnwaneZXFB8tCrLYHzynicaZNbKOPOg3JtHQymvaphE3S"
    "U0RlpJWIxVRD3rL0slIdZNOamVrd0fWzu1KjzSzE6FsDYM8qoWdvYHLjauy6Rb7WM63Me0"
    "aYSGFrvA/lya8uWmZ7JjaDZ8+6ApF0wcyhOHRtd9zwvdU4y02D3TQZLIboi9hHHdDGsrhx"
    "0zVBIunK3YhXfQ9AUwv0U6tqApRnpJk/cCh0Q7EfHmxcRWwPv2+OjkbHS6NdzdDs8BkK8m"
    "DrV3WubzATCmcmy9VvQ8TSNfnHGvSuS8PG5ePCPkuMijWJT0VR5ezFKp2GLjscX0YltULS"
    "vDTDlSCeNMmxtXEp0j0BG+W/MgQYZUQkZvaECxShi5z96kpzujqZxJGwq5Ctw+lcNDoFT6"
    "5rfrUp806bZ7Gl/SiYEs16F8B3OJdMfL+ldKO22v8jHhpLvmBf0rRjknPLwY1D0Bjk91x0"
    "K8LgoEny6uJsCCBgL3mM4BtMF16pV+YoJ2DbZukUvBcB/MHd8jz4oxziYH/2x/tvl4PGaK"
    "CWAbArY/YQNjOwmRsu9qExhuGyAJ2u8d7xZgCmY+4xvZBsRh8zPZCPeQ9LPtISbVhIZvsh"
    "zpFi3APcSU8JArbw2lHwQyHwRfWaMNPMRrw4QzMdOBCXp5JDavJkWnLFTctZdx15rZ/fLm"
    "9Q8PDqrkQB8clOdA82c5C87lgAiNhxW2W5pIQqSbLxZzwyZHnutFWqD6+YkMmYK6AtTM+K"
    "I+YSCKyseU6uwcVXe1OIa7u+2q78ZKcbA11mUzCFAtd2WmaR7lyOyZ11idhtgEVvTJbVXJ"
    "X4m+uZgNtwabs5TdsPkJdp5ScFl5zZTXrE/gS5ImFFfGEDh0UkUzyt046foc1TLUg5PkO+"
    "Da8BFTvNfcNXLPPROx7wN5wIILYKNvFOgmxBbA9E1U95Z7MTDPLJ9jExWcN42O/tlmYuZz"
    "P5AHmPAgLyi0G/lRgIkgYZPx9WMR9gfXfAD2JtdgC4JbbJqMNpzxHySc6rM9RdylFP3JIQ"
    "RwxmQnfEVMgQsJQZFfap38qdAgD5Olos8cpAALcQpVytKRJYOK/YPvkLeQL4eKOnW2EWHv"
    "7jMhZNpB6HUAD3v3I/WEzydN6sm0Hh+mihEtMYJHDxZaPTWUplEsaZwlN55j8X0U6yLIl1"
    "vhJc3RSbkjqrYir1qSC9kbxJ/+B4kC2uVQp0gkRPn161cVUGa9SlEOnmVRnlNLUARswqx2"
    "McRxfxmSa1d5bY5/n6zWIEunzenF+fu4e16tZLGmDNU6WMf9Fdb1sZ4jaCCvVmJziqQfy6"
    "dUWc3iAhIrNlVR/36wQipLxkIU8q1vHXakafrBEql+HXfQwxygWj+RDJFiSuNMgZRCfW7x"
    "g3G644tyI0oD9iLS7qL2mxKzTzynlS38JUWHF+mE/ulufJvN31REoG1MHcFVUGPHMRG0S4"
    "BOqHJITxlZW1AvW7rVHuOLi9OM9hif5E3M387Gxwz43OFFgUgje508iBSZuiuiz9HxKMRT"
    "k70JlUpx6TV72bqNLFdUxG3VUr8kUUt8Xh8GlZ8Dz3Qdz0eWSvk/6vs/CDc911qHqFqHNk"
    "BRqZTLchUm78lhVYBaNq4LfuyFurLR3ek1kzGzVDKsoeq8uBSQq8zXPpwXj9RDAyiPXPwx"
    "HGiz1ElVeLOKNIMsewVw/tvpabUa6olTuJlb9kbL8SQS7uyJkwYqqkdgSVdYPVdJCLu4Ma"
    "wu4+FkxYvCmeY5982gJdmNBh0cgkgprvLjEFnt9uDBCC2nXVstqKqKMfSyGMMNZqZq7UsA"
    "ExoJTfZWyjLwAjrrFJnN0ym8q+FN8N+1qgVE3buLRrSvWRoLSEQyKFLTNvQWKwVXAOp0Qc"
    "P8mw2DdZXujdJjlp4xJprjk/PR5R/igMRYkE4z/mNyPCqknYULdT3PSpZKQo3RulPFSo6X"
    "PnKnX/12975BXnWvn5W2Hp4fLr1tIL/NfdhgrnH5QHDiN8y9Ciup4SDtL6jYFg0Xnu3lwQ"
    "MTs87X748n4Hl8aPn5d2z8uAYeor5nE/GNV80OX+VQb+qHUfvGemXUd2XUb0aSYGfLRfMJ"
    "ggaiENc6BJRQdJiFOejeEmolM6N+7FbamO3mxmiLoXll3SrrVlm3j7Ruk8BDuYWbCU48bO"
    "VmQyP17nalznNdfz7VdRCd3w6KBMdWJ9ChDaYouo0VGWCLF61hckOQ8QxMFzHR6gteG5xj"
    "rYvAeBkfbVlwWNm/vbN/b9mXr7OkxP0lXEwavv8okf0a8GaIZMR4WGXFZr3KcR4WMquUca"
    "RS2GSCXNmjndmj6v7cztIDn9T051k05UZ/lGPzsLkfl43o+D5dNq0yoHtqQNNQdqqug1F3"
    "Cde+Vq7AVaadMu1kglyZdsq02xiUe27aZbggMO7yXCo379JftGfpvf2tz50BTb4i3XUzfZ"
    "vN8n1aw7p9u04dMC9HfzOPGpcdMC9YPJXOsoWH4h55gqby0cG+iUClU0bRPbOPxKjR63h7"
    "C5Imrg+6BlCSHcdq+jik1Ocg05fkPPpcn6wgEd91ec5AbEqvD9RVMpJMYLW5JUpDJtgR5R"
    "At3xDlmfhwYsvIjpNFglTq9OYA2EyzeMHFTOyhA7Z8m/hTTj3ldzFNHbax4B90x3JNhhT/"
    "zL6hD03Bzd4tzlPp8uxcRstKt33ttO/+bvbSAiHfXi9gah12LAkkdHS2kqKhkmG6QprtHk"
    "m9G80TCgkxVgcaNvxAw5NFAHtWT6jtAKDyyJVDL5dHToV9+xT2VaFJCUOTI+RhfT4QbMGj"
    "J9urdt8w6dObOOT/SzbZIyuBlO8x75BHhD/xcg2bIpFQs7ZSy4b/qGogHHWXEN12orZl1W"
    "1WXKZcWttGXWG93PHk7Lr4tqgaodPmF7Mf/wMgrH59"
)
