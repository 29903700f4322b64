"""Contacts and import: import jobs and their uploaded files; contacts filtered by creation
time and (PostgreSQL) custom fields through a GIN index; events keep no contact once it is
erased (contact_id nullable, ON DELETE SET NULL). Both dialects, as in 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_UP if db.capabilities.dialect == "postgres" else SQLITE_UP


async def downgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_DOWN if db.capabilities.dialect == "postgres" else SQLITE_DOWN


POSTGRES_UP = """
        CREATE TABLE IF NOT EXISTS "import_jobs" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "filename" VARCHAR(255) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "options" JSONB NOT NULL,
    "total" INT,
    "processed" INT NOT NULL,
    "created" INT NOT NULL,
    "updated" INT NOT NULL,
    "skipped" INT NOT NULL,
    "failed" INT NOT NULL,
    "errors" JSONB NOT NULL,
    "error" TEXT,
    "next_row" INT NOT NULL,
    "due_at" TIMESTAMPTZ NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_import_jobs_organiz_9f4155" ON "import_jobs" ("organization_id", "id");
CREATE INDEX IF NOT EXISTS "idx_import_jobs_status_cbd0a1" ON "import_jobs" ("status", "due_at");
COMMENT ON TABLE "import_jobs" IS 'A CSV or NDJSON upload being upserted into contacts by a worker.';
        CREATE TABLE IF NOT EXISTS "import_chunks" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "seq" INT NOT NULL,
    "data" BYTEA NOT NULL,
    "job_id" VARCHAR(40) NOT NULL REFERENCES "import_jobs" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_import_chun_job_id_6042af" UNIQUE ("job_id", "seq")
);
COMMENT ON TABLE "import_chunks" IS 'The uploaded file, in pieces of at most 1 MiB (stored in the database so that any';

        ALTER TABLE "events" ALTER COLUMN "contact_id" DROP NOT NULL;
        ALTER TABLE "events" DROP CONSTRAINT IF EXISTS "events_contact_id_fkey";
        ALTER TABLE "events" ADD CONSTRAINT "events_contact_id_fkey"
            FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL;
        CREATE INDEX IF NOT EXISTS "idx_contacts_organiz_d6a9c2" ON "contacts" ("organization_id", "created_at");
        -- customField[name]=value filters: `custom_fields @> '{"name": value}'` uses this index.
        CREATE INDEX IF NOT EXISTS "idx_contacts_custom_fields" ON "contacts"
            USING GIN ("custom_fields" jsonb_path_ops);
"""

SQLITE_UP = """
        CREATE TABLE IF NOT EXISTS "import_jobs" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "filename" VARCHAR(255) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "options" JSON NOT NULL,
    "total" INT,
    "processed" INT NOT NULL,
    "created" INT NOT NULL,
    "updated" INT NOT NULL,
    "skipped" INT NOT NULL,
    "failed" INT NOT NULL,
    "errors" JSON NOT NULL,
    "error" TEXT,
    "next_row" INT NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "started_at" TIMESTAMP,
    "finished_at" TIMESTAMP,
    "updated_at" TIMESTAMP NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_import_jobs_organiz_9f4155" ON "import_jobs" ("organization_id", "id");
CREATE INDEX IF NOT EXISTS "idx_import_jobs_status_cbd0a1" ON "import_jobs" ("status", "due_at");
        CREATE TABLE IF NOT EXISTS "import_chunks" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "seq" INT NOT NULL,
    "data" BLOB NOT NULL,
    "job_id" VARCHAR(40) NOT NULL REFERENCES "import_jobs" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_import_chun_job_id_6042af" UNIQUE ("job_id", "seq")
);

        CREATE TABLE "events_new" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(100) NOT NULL,
    "value" VARCHAR(40),
    "currency" VARCHAR(3),
    "properties" JSON NOT NULL,
    "occurred_at" TIMESTAMP NOT NULL,
    "received_at" TIMESTAMP NOT NULL,
    "contact_id" VARCHAR(40) REFERENCES "contacts" ("id") ON DELETE SET NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
        INSERT INTO "events_new" SELECT "id", "event_type", "value", "currency", "properties", "occurred_at",
            "received_at", "contact_id", "organization_id" FROM "events";
        DROP TABLE "events";
        ALTER TABLE "events_new" RENAME TO "events";
        CREATE INDEX IF NOT EXISTS "idx_events_contact_488d42" ON "events" ("contact_id");
        CREATE INDEX IF NOT EXISTS "idx_events_organiz_93b52e" ON "events" ("organization_id", "event_type", "occurred_at");
        CREATE INDEX IF NOT EXISTS "idx_events_organiz_e795a4" ON "events" ("organization_id", "occurred_at");
        CREATE INDEX IF NOT EXISTS "idx_contacts_organiz_d6a9c2" ON "contacts" ("organization_id", "created_at");
"""

POSTGRES_DOWN = """
        DROP INDEX IF EXISTS "idx_contacts_custom_fields";
        DROP INDEX IF EXISTS "idx_contacts_organiz_d6a9c2";
        DELETE FROM "events" WHERE "contact_id" IS NULL;
        ALTER TABLE "events" ALTER COLUMN "contact_id" SET NOT NULL;
        DROP TABLE IF EXISTS "import_chunks";
        DROP TABLE IF EXISTS "import_jobs";
"""

SQLITE_DOWN = """
        DROP INDEX IF EXISTS "idx_contacts_organiz_d6a9c2";
        DROP TABLE IF EXISTS "import_chunks";
        DROP TABLE IF EXISTS "import_jobs";
"""


MODELS_STATE = (
    "eJztXelz2zYW/1cw/rL2jOrY8hE32+mM7LitGx/ZWO32cIeGSFhCRZEMANpWu/nfF+AhXq"
    "BMSpRMofiSWCAeAP4eCLwLD39vTVwL2XS35+EPaLr1Dvy95cAJ4n/knnTAFvS8pFwUMDiw"
    "g6rQw8YYTYNCOKCMQJPx8gdoU8SLLERNgj2GXUfU7jmg9/ECcIJdcOPYU8BGCNz+0Puqe3"
    "QM3IfgJ0UmQQxgCihzCbI6wLN9CiCgI5cwYGHq2XAKPIIe8POu6NdyTd4xdoar68J38Gcf"
    "GcwdIt4A4R39/gcvxo6FnhGNf3pj4wEj28qAiS3RQFBusKkXlJ2NIPkuqCmGPzBM1/YnTl"
    "Lbm7KR68yq87cTpUPkIAIZslIAO75tR7yIi8Kx8gJGfDQbpJUUWOgB+rZg09Y3D75jCu6A"
    "iOcuGUIH/wVFGd39xoaTgQW//TYaZ4rSMK5v+sbted8wtgqMFqPKMSYqMnmzfJJgh9EApQ"
    "l8NmzkDNmI/zzc+xL2k6AV1hId/tz7dPZD79P24d6O6NDlMy2cgtfRk27w6EvQBGQwbCTg"
    "TcKM4P8a7IjrN8OQuCDhSPKdzIBdD9T7e1Ww5rVKwQ6eCbQTdPlHZ4wgHdVBOE2zrmkfY7"
    "ZylI8PK4B8fFiKsXiUhThck+oAnFCsahK/Hr77x1Um8XH5HD7O4yuWwTroxvXXuEDY+BGt"
    "aT2ushyXr8aFuYuIMcGOzyQIXzisZPpmiHIw82GvCuZVzuGhGMRX3f3Dt4cnB8eHJ7xKMN"
    "BZyds5wF9c9yW4WnBaE9SIQiMqQZSLh+LlDciKoL7nTxieIDmyWcocuFZEuhv/sYlQ8xe0"
    "hGAdLfxzcO1fXJ3f9ntXH0V3E0o/2wF+vf65eNINSqe50u38Yj1rBPz3ov8DED/BbzfX5w"
    "G8LmVDEvSY1Ov/tiXGBH3mGo77ZEArtUfFpTFqGa4T9OiOF+J6lrIBrkfDbQvTN4TJMSZz"
    "uWxDygyfLsTnPK3mdJs5ndZljXpquIR0fRLe2sTnZvRtYfl4GEvV7TSMRfi/cwnCQ+cDmg"
    "ZMuOAjhY4pk/Mi48RNrrkNA/9LPMvi0uTzJ/BpZjqSTT7+B0cAsXDa9m7Peu/PtwLkB9Ac"
    "P0FiGSUsmCBK4RDRIvynEeV3Hz4he4apHPmrsJWNXc8KmAfYuV03hVkGzeKjSXeSL4EOx8"
    "SK+hY9RWiduQ4L7aAFm2r8qDPPqGqGlaoZVcuhkBgtfy98kmgCsS1MuFt/5Cyaxbp8LvI6"
    "xfKU0PuHInbQmAXqmUADhtdhxYxAwR3woFsFb16rFPDgWVZ7TD6puijHRBrpakg/YMIF8r"
    "pG/SzVQli3bJfLQt2tZNvvzrHtd4u2/UD1qYt0hkgDXQlo06fMnYkaBbB/vL25LjE95Qnz"
    "2ik2GfgfsDFdmYkvtY8OfGwz7NBd0e3KNs858AugMppqjPr2Ve+XPEPOLm9O8yqoaOBUGw"
    "a1YXDL96wFuZ6l1FxvC9cl9qNo9Np8pM1H7QT/VcxHDA6XNB1FFo8+HCqEeVbfe0QOWxKl"
    "c9HG5snDr2leEzOq3MIWzbcXjWxGPMNfjl68cRAg7hPwEAHbEXkHcPqdd+JfCh64yMufBS"
    "GGfFDgCU4BF4Vv/3OJGQLQscDHcIviJcXIxeablxoAzcQCyVutYPWb1aps1jvFw9LQA+lu"
    "KIk6iCZ6ewO9wpCDr7vdg4O33b2D45Ojw7dvj072ZrEHxUfzghBOL74XcQiZrTIOTCg35r"
    "FwlleVS6LqCsoiK4lnjJeIesJflkpBrJuyUWtRuz2idmpXWFLKTnm4NgzyqgJ29gOXy9Zl"
    "s1urMWtUY1YphIYCu0T+nEny5aJnojA06919UZQLOg7nk4DGNH1CIr+tzK+bqaCIYzfEXk"
    "G3boa1lb2OGSoFN86VyIWP0PYlML9HJp5AW470jCZvBA6JdiPijTUByOB9f352cdW73O7u"
    "dcJjAvSzjcPVOz3n8/4vvuQ4Zi3neZpGPTfjQRXHebnbvHiEyPUQYVgWE1buXcxSaddi46"
    "7F9GZbXFrmeplypAq6mTbXrSQ7ZmAi/LjgOYMMqYKM3lB/YhUv8qtZk17e3F7vBKe2JW0o"
    "5Npt+1r2DsmaslazXbuWkwaMdnwI4Pqny8vXMiVdWGjiuUwoMJ+Q6ZKseaW0UmeeiQkn1Q"
    "0S1K/o5OwL72KQFQW4PjPdCRJZUyD4eHPbBxNoIfCE2QhAB9ynhvQVn2j3YHuMPAa6h2Dk"
    "+oTuFF2cTTZ+59w5oj3hMsUUcH2Aqye8YewkHlL+rg6FodYAaVD+5JIxwAwMfc432gHU5f"
    "3zyRGqkOzOIYhPa8rCkcxaGqMpeIKYUeFxFaXh9AfBpA98r7zQAQSJzDFhT1xy4DO93BGb"
    "XyZlZzC027WVbteasf3qRvV3j46qREAfHZVHQItnOQnOE4BIhYc5sluaSEGkm08l88A7R8"
    "Qj0SpQ/fREhkxDXQFqLnwxn3IQZcllStfsHNX6MnV09/ZWu3w3lqiD77Ee70GCarklM02z"
    "lB2zZUZjfRZiE1jRJqtVJXMlevYwb24BNmcp18PmV1A9leCytpppq1mbwFckSuhi4rmEnY"
    "18Z7wlM+qkHnfmmnOCioYpatYw5Pie7UILWSJ0nFfBDvAwMhENrC4MTPgiAvbBFT4F25FZ"
    "JrKeCM13ACkS5hE24lWhM5Vacxrt4c4R1hlEgEdc3gYFJhQmFciJ2E65IeVPdyCeUfRZ20"
    "82w34iWFVDDwpr60yFEgVIQCybyQ4kUzmaMUUOzsGUhaEdGwbovLkZKTIz+YtvxqcX171P"
    "v87UnpkQdnlz/f2pRPE5/bV/3sthztebmiJSQqElo/qSUbS+LykQhXvtj2FbGwZ4VWkomW"
    "ftE4IE8qUiUMSWFwUg/oJVrxoAZ7c/A5eA6/fCeBEJKmCAOM78x8xZxFwQ53oCgymAIBRB"
    "JBcLLNmg8Fdd4jECcUa2Dn/G30c4r0wbcg3YirxfwEZCMNq+t7ioA9n9zr/BvYOemUHcp3"
    "tRfeQ+8dcmgRvLZZ07J3BiibaeRi5FUY/AwrxJ4YXiPQqZi/A2eRMUQIKiEdN3vILlileA"
    "YACZOQrah2Ri81GWylwvBprHmcJCE2aAZfAuyoSRh/NRwTjyhGNVWZFQrDEJuoccS8C2Ft"
    "SbTzP/4JKJzKA2x+0yo1BQhDipgO9JKbwnRc8Wb7l2UrCERrnbPlbipqX4L2TM1IbqqnSW"
    "bn1a3Yp9WmtRqdNO8uCKnjqOrxSJjt9v3B3GXAYleTVLP4NZ/YW+gJb5Hhu/0iI0ACKJTF"
    "h+qUWaRpllpek7LWoAmqLQcObhjDK71YAzRaHhzMNJx9jzasGZotBw5uF8gFycrYNmQqDB"
    "zIOJCHFJLUkroWiHoCX6U0bQCsAtcqOPnkvm9oxAhaPB84JOzn/pz0c74+6Iq+dZkEU7Nj"
    "zWWEvSJHo1KXjsQkNoAc75sVQJlQ6Xa3UgFWQMTTxZOsjS7yVNor8XfRdfdajVPSxNGSSL"
    "cT1LqW9oa/Ni+YAdTEcLsTlHqvncZj7rBPqqreEStusE+q2LnNIx5a8UU54SX2ch2zkPaY"
    "3k8LkwcUVgX2mO+PjCSknEWeouy/J4s/S1mdUywwcXuO2COGhLxFE9iZQAcdIBRMAEToEw"
    "joTxXgCzd2GCASTSB2CR0X2E7WBghcTwjbV+5/BJ4YsEDARwViORN6wTJzCIIs+Cg1vTsD"
    "64p2GozT3YhmCMbVvEqQU9/isKXLtzBkjkcoh+CggBHHJOh0PEDHiQUrREOFkUYlQSUvYP"
    "uZKS/4MfEZmqF3PG3DrG9bD2+g3rryPrr+borlkH8LC29mQ0zoZBPT4MNCNWxAiRtmdq1F"
    "uG0jSaJY2z5IG4E6Fr8iq1opHzdEqqjdV25HlbciFtIvUHfyJZJrk5gd8JiYIof/11lahk"
    "XqsU5eBZFuURm0hiBMtd13F97bmu77lmHNU6WMf1Ndb1sR4haKF6MTIpknZsn2pFI0vvbZ"
    "yjVEX128EKpSSZCWJQfky7nB1pmnawRKmv4xESLACq9YlkiDRTGmcKZAyao4m4kMZ0fVlS"
    "wnkRNAVSHUlTiLHejKOdoX16PbbN5k92UuhYA/e5iPKp69oIOiVAJ1T5vBycbFVQz0rWnJ"
    "fj5uYys3qcXuRFzJ+uTs858LlLgyRTGjkLxQglZDpwpD0RBMXAER0sqzR7dbBsw1u8DSkz"
    "Ast0HctHlkrbP+rbP6gQPRfah5jehzZgodJB6OVL2GYGMFYJQtdhq6pxvUrYKvSwMUbTmh"
    "GrWSoV9lB9UZsSkOvw4NcKD5YsKg2g3PPwh7ChzVpOqsKbXUhrX9QmsycvGX4dBQz3Zu0p"
    "NLmzJ+sfGwPr/FFhnAgysYcbw+pT3JyqeDE4FPkAmkGrD4cq4bSGQxCphav8OER2dXvxYI"
    "SRW11fPCNRjtTLBwJqBfDrLP7i2Tqy+G9Oms21iewrSbQp0kkLQ2EAVA2s83Qa7+qJTWt4"
    "JOLq+n4KWfaOcA7KlunyKypSRPqWis6Ct1TEG3U9y0qWSsEVY+VGlUlyvHRJTT91UHXDIK"
    "+q62dnW5vurMioseVS80zNfVlgTpTraueJw9ir8ApzHIT9BVelR82FZ3uF88DGvPL99+d9"
    "8CY+tPzmb2x9uQcEMZ84tHiVRfPNVznUm/owxPUQWqhvpVC/GUGCa9sumg8QtBCDuNYhoI"
    "RCgYsJ1h2ZUd93q6zPdnN9tEXXvJZutXSrpdslpdvE8VAu4WacEy9LuVnXSDVJl7hPwEME"
    "MPeNab4ZmCaIzm93xOWwsdQZXAY7QOKiWYbERbLbImkNnzcUWTvBTWshkVzcXUEfiySyCd"
    "L4BI5gLf+2U/4d85evs6XE9RXcTA4q7CUHpVvJQV7wTeZ+DXgzRCpi3K2yY/Na5Th3C5FV"
    "WjjSIWwqQa7l0bXJo2WzuwGAdXhgi0R/EUVTLvRHMTYvi/tx2oiVhn8UxWjerRagWypAs3"
    "DuVN0Ho+oK7n37ldJ07c9J07VfTNOlRTst2qkEuRbttGi3MSi3XLTLcEEi3OW5VC7epV+0"
    "ZeG97c3PnQFNvSTddSN9m43yfV3BevVynT5gXo7+Zh41LjtgXpB4Kp1lCw/FLXmCpvLRwb"
    "ZNgUqnjETUMN+ilsToLGxFcZAMeX7QBYBS7DhW08chlT4HiYN7iRq53OhHd6AqSumrhJY+"
    "/agqSNT3PBFZESsciwN1m7SkElirVBzTkEn0xhyi5Wpjnokvh//0nDikJgg4T6tQwOHrLw"
    "mur+IPXbDtO9QfCOqBuLFq4HL1S/xhuhPP5kiJv/kb+tDeKYYArbAfiX77YtzPXOdG7eD4"
    "9qrE6QmhnkYcMLUOO2YECpqDVxLIokOG1oU017GpzBRcDnNCoSDG+tjHhh/7eDU/acuyLq"
    "3aTartluXQq2W31M7xNjnHtQNXQQduDxFsjrYkKnj0pDNP+4ZJndZ4a/8pMXdL5ksp1zEf"
    "EaHST7x8hU2RKLiyriTjj/ioaiAcVVcQ3dX4tstyAM25cro0A5C+6Hum8eTkuvhOrRoO5u"
    "Y3sy//B24SESk="
)
