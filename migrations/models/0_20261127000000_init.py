"""Initial schema. aerich writes SQL for one dialect; this file carries both, chosen at run time."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_UP if db.capabilities.dialect == "postgres" else SQLITE_UP


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "events";
        DROP TABLE IF EXISTS "messages";
        DROP TABLE IF EXISTS "contact_tags";
        DROP TABLE IF EXISTS "contacts";
        DROP TABLE IF EXISTS "api_keys";
        DROP TABLE IF EXISTS "organizations";
    """


POSTGRES_UP = """
CREATE TABLE IF NOT EXISTS "organizations" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(16) NOT NULL,
    "mode" VARCHAR(4) NOT NULL,
    "per_minute" INT NOT NULL,
    "per_day" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_api_keys_prefix_10c459" ON "api_keys" ("prefix");
COMMENT ON TABLE "api_keys" IS 'An API key. Only the SHA-256 of the secret is stored, plus a short display prefix.';
CREATE TABLE IF NOT EXISTS "contacts" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "first_name" VARCHAR(200),
    "last_name" VARCHAR(200),
    "custom_fields" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contacts_organiz_eaa911" UNIQUE ("organization_id", "email_key")
);
CREATE INDEX IF NOT EXISTS "idx_contacts_organiz_3b3bea" ON "contacts" ("organization_id", "id");
CREATE TABLE IF NOT EXISTS "contact_tags" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "tag" VARCHAR(100) NOT NULL,
    "contact_id" VARCHAR(40) NOT NULL REFERENCES "contacts" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contact_tag_contact_c4e8c0" UNIQUE ("contact_id", "tag")
);
CREATE INDEX IF NOT EXISTS "idx_contact_tag_organiz_95cd47" ON "contact_tags" ("organization_id", "tag");
COMMENT ON TABLE "contact_tags" IS 'One row per (contact, tag): tags filter the same way on SQLite and PostgreSQL.';
CREATE TABLE IF NOT EXISTS "events" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(100) NOT NULL,
    "value" DECIMAL(20,4),
    "currency" VARCHAR(3),
    "properties" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "contact_id" VARCHAR(40) NOT NULL REFERENCES "contacts" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_events_contact_488d42" ON "events" ("contact_id");
CREATE INDEX IF NOT EXISTS "idx_events_organiz_93b52e" ON "events" ("organization_id", "event_type", "occurred_at");
CREATE INDEX IF NOT EXISTS "idx_events_organiz_e795a4" ON "events" ("organization_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "messages" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "to" JSONB NOT NULL,
    "from_address" VARCHAR(400) NOT NULL,
    "subject" VARCHAR(998) NOT NULL,
    "html" TEXT,
    "text" TEXT,
    "variables" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "sandbox" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "api_key_id" VARCHAR(40) REFERENCES "api_keys" ("id") ON DELETE SET NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_messages_organiz_560ed6" ON "messages" ("organization_id", "status");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
"""

SQLITE_UP = """
CREATE TABLE IF NOT EXISTS "organizations" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(16) NOT NULL,
    "mode" VARCHAR(4) NOT NULL,
    "per_minute" INT NOT NULL,
    "per_day" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
) /* An API key. Only the SHA-256 of the secret is stored, plus a short display prefix. */;
CREATE INDEX IF NOT EXISTS "idx_api_keys_prefix_10c459" ON "api_keys" ("prefix");
CREATE TABLE IF NOT EXISTS "contacts" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL,
    "email_key" VARCHAR(320) NOT NULL,
    "first_name" VARCHAR(200),
    "last_name" VARCHAR(200),
    "custom_fields" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contacts_organiz_eaa911" UNIQUE ("organization_id", "email_key")
);
CREATE INDEX IF NOT EXISTS "idx_contacts_organiz_3b3bea" ON "contacts" ("organization_id", "id");
CREATE TABLE IF NOT EXISTS "contact_tags" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "tag" VARCHAR(100) NOT NULL,
    "contact_id" VARCHAR(40) NOT NULL REFERENCES "contacts" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contact_tag_contact_c4e8c0" UNIQUE ("contact_id", "tag")
) /* One row per (contact, tag): tags filter the same way on SQLite and PostgreSQL. */;
CREATE INDEX IF NOT EXISTS "idx_contact_tag_organiz_95cd47" ON "contact_tags" ("organization_id", "tag");
CREATE TABLE IF NOT EXISTS "events" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(100) NOT NULL,
    "value" VARCHAR(40),
    "currency" VARCHAR(3),
    "properties" JSON NOT NULL,
    "occurred_at" TIMESTAMP NOT NULL,
    "received_at" TIMESTAMP NOT NULL,
    "contact_id" VARCHAR(40) NOT NULL REFERENCES "contacts" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_events_contact_488d42" ON "events" ("contact_id");
CREATE INDEX IF NOT EXISTS "idx_events_organiz_93b52e" ON "events" ("organization_id", "event_type", "occurred_at");
CREATE INDEX IF NOT EXISTS "idx_events_organiz_e795a4" ON "events" ("organization_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "messages" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "to" JSON NOT NULL,
    "from_address" VARCHAR(400) NOT NULL,
    "subject" VARCHAR(998) NOT NULL,
    "html" TEXT,
    "text" TEXT,
    "variables" JSON NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "sandbox" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "api_key_id" VARCHAR(40) REFERENCES "api_keys" ("id") ON DELETE SET NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_messages_organiz_560ed6" ON "messages" ("organization_id", "status");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);
"""

MODELS_STATE = (
    "eJztXVtz2jgU/isantKZNJM6hKSdTmcgoS1bEroN3e200/EIW4A2vlBLTkK7+e8r+S5bpn"
    "aCCXj9kmDpHEl851g6+nThV8u0dWSQg+4Cf0DL1ivwq2VBE7EPqZx90IKLRZzOEyicGJ4o"
    "XGD1Gi29RDgh1IEaZelTaBDEknRENAcvKLYtLt21QPfjADCFAzCyjCWgcwSu3nefK8cdYE"
    "+9R4I0B1GACSDUdpC+DxaGSwAEZG47FOiYLAy4BAsHTfHdAa9XtzVWMbZm1VXhWviHi1Rq"
    "zxArwGEVffvOkrGloztEwsfFtTrFyNAFMLHOC/DSVbpceGlnc+i89SR58yeqZhuuacXSiy"
    "Wd21Ykzr4dT50hCzmQIj0BsOUaRmCLMMlvK0ugjouiRupxgo6m0DW4mVqvp66lceuAwOa2"
    "M4MW/gl5Gjl4bUBzosM3b4J2JjRV9XI0Vq/6Y1VtZQzNW5UyTJCksWKZk2CLEg8lE96pBr"
    "JmdM4e24f3fj0xWr4Ur/Cv7qez991Pe+3DZ7xCm3ma74KXQY7iZd17RUAK/UI828TG8P6X"
    "MEcovx6DhAmxReL3JAJ2M1C/OCyCNZPKBdvL42jH6LKXTp1DMi+DcFJnU24fYlY5yp12AZ"
    "A77VyMeZYIsd8nlQE41qjKiZ8O3xedIk7cyffhThpf3g2WQTeU32AHYeAbtKH+uEh3nN8b"
    "Z3wXOaqJLZdKEB5YNMd9BaUUzKzZVcFcpQ/PeCOeKy/aJ+3To077lIl4DY1STlYAP7gcS3"
    "DV4bIkqIFGg6gEURYe8i+vQpoF9ZzlUGwiObKiZgpcPVA9CD/sItTsC+o8sA46/hW4jgcX"
    "/atx9+Ijr84k5Ifh4dcd93mO4qUuU6l76c46KgT8PRi/B/wRfB1d9j14bUJnjldjLDf+2u"
    "Jtgi61Vcu+VaGeGKPC1BA1weoOurGvH2R1UXMNVg+auy1G3xEjh5istLIBCVVd8iA7p3Ub"
    "S2+zpZNzWbXcNFyiurkIb2Ph83rm25z5mF5Lp9tJGLPwv7UdhGfWB7T0jDBgLYWWJovzAn"
    "JilCpux8C/D70sTI1ffwfeRtSRzPnYB4YAor7bdq/Ouuf9lof8BGrXt9DR1RwTmIgQOEMk"
    "C38v0Hz74RMyIkzlyF/4pexsf5bB3MPOVuwEZgKa2SxTMdMp0GKY6EHdvKYArTPboj4Pmu"
    "FUw6z9VaSq5gsVI1XzoZCQlt8yryQyITY4hdv6nmI0s7LMF7/XhOcMIa4fxekZtIwpIoUa"
    "jnBHShG8mVQu4F6eODuMX5myKIdKDdLFkJ5ihwXcZUl7UetBWG/ZKCZCrRTi7pUV3L2S5e"
    "69qU1ZpAWlBuhCQGsuoXYUSmTA/uNqdJlDLaUV07NPrFHwLzAwqYzCS4yjExcbFFvkgFdb"
    "2eC5An4OlDATDVHfu+h+SRvkbDjqpaeYvIBeQ/w1xF/LXegPtLqo2Vh9W6wu4YeC1jf0UE"
    "MPbSf4T0IPUTh7JDUUMBpjOKsR5uJ87wZZ9JEo9XkZdQJoA/wZd6l8Ci1wuN+yaGro4r/f"
    "njiyEHDsW7BADtgL1PcB03/2iv8lYMpiXpbn7SFkjQK3cAlYLHz15xBTBKClg4/+GMVSsl"
    "sT11+8lOHTYoqRlVqA1oukCvN6PTzL3VsgHQ4l2wqCrm17d3L5ewpeKsrR0YlyeNQ5PW6f"
    "nByfHkabC7JZq3YZ9Abv+EYDYawMdx7ks3nU9/KigUkgXsNgpJINi2EXUS76E7VqiPW6SO"
    "om1t6eWDsxKjwyzE4sYe0Y5EUjbPEFlwfXed7dzGM2OI+pMgj1I3ZJ/BmF8vmhZzxjWO/y"
    "7W9DOa9i3584NJrmOo5PTzHVrLggUJOVXR/7Gq7rCqYtvOwoaNVw4KwkLryBhiuB+Rxp2I"
    "SGHOlIJ80C+0oHgfLurYmtgPe8fza46A73lMN9/xwA+WFgv/dO+nx6AYx1OZZWavU8qVO/"
    "dcajIivn+evm2TNC9gI5FMs2feUvL4pazdri2tcWk4NttmtZucyUUq3hOtPurivJzhFoCN"
    "888CCBoFpDQ+/ogmKRZeRtZpOe7oxmQybtKOTNwu1TER6STmXbeLtN9ifrpO2ehksKj09I"
    "2KTEyYp8Pil5iGPDjBLzKuqS2rBD7A+Lr5xl/fghapeZ7fnSm5/lPc0UopL53NSxTR4dMh"
    "HJRHvF9vSUXi0DkGLuvsrfM2EfcSf/INlImA91QqWGKL98eVoAZSaVi7KXJ6I8p6bk9NAY"
    "3eVs9wjl68DKrZqL9r+MV/cg0VR0OLp8F4qnuxURa8pQLYN1KN9gXR7rG+hgjkQpTlRQai"
    "jRtQ+hQXBZpkePNDZ44xITdZFeFehVX2lFoKVPbMmdYT3bNhC0coCOtVJIT5haVVBHKZt1"
    "7t5oNBScuzdIdymfL3p9Bnxqlau5OqihfnkRzQmiulm9yAmi4PLbkhy0qFWHWK4h/GsBeU"
    "P4bwPhH3QPa0A5vr97t7qTovCKHamALGsCuPw8HD4V4S84uIT1T78A+dS/cCF35fx/TVj+"
    "5hZzwRzrvcV8i+7XruZQUDODq1ksnzeDywQ8RU5MJ3/xIsWnlDgPXHhs3jYXKHRiOnmB3c"
    "Mxqt9BI+l2seYIfnME/9EAbfqaz50Bqcoov4scrM1bsp9O8nNWRvYwltmakP7/cqr/kb8U"
    "kB+a3yCHSDmS/Og8oVJDako5Pi4QojOp/Dv0eJ4YovOXqgTCgXgN0a3sVoRgqCy6UJ5Qaf"
    "aUlVwQLzELWf9gdv8f3iUZOQ=="
)
