"""Accounts (docs/accounts.md): people, their memberships in organizations (owner, admin,
member), browser sessions, one-time link tokens and login failures. Only digests of tokens
and Argon2id hashes of passwords are stored. Both dialects: PostgreSQL TIMESTAMPTZ and
BIGSERIAL, SQLite TIMESTAMP and INTEGER PRIMARY KEY AUTOINCREMENT."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    postgres = db.capabilities.dialect == "postgres"
    sql = UP.replace("{TS}", "TIMESTAMPTZ" if postgres else "TIMESTAMP")
    return sql.replace("{SERIAL}", "BIGSERIAL NOT NULL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


UP = """
        CREATE TABLE IF NOT EXISTS "users" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "email" VARCHAR(320) NOT NULL,
            "email_key" VARCHAR(320) NOT NULL UNIQUE,
            "password_hash" VARCHAR(255) NOT NULL,
            "email_verified_at" {TS},
            "created_at" {TS} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS "memberships" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "role" VARCHAR(8) NOT NULL,
            "created_at" {TS} NOT NULL,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
            "user_id" VARCHAR(40) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_memberships_user_id_org" UNIQUE ("user_id", "organization_id")
        );
        CREATE INDEX IF NOT EXISTS "idx_memberships_org" ON "memberships" ("organization_id");
        CREATE TABLE IF NOT EXISTS "user_sessions" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "created_at" {TS} NOT NULL,
            "expires_at" {TS} NOT NULL,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
            "user_id" VARCHAR(40) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS "idx_user_sessions_user" ON "user_sessions" ("user_id");
        CREATE TABLE IF NOT EXISTS "account_tokens" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "kind" VARCHAR(8) NOT NULL,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "email" VARCHAR(320) NOT NULL DEFAULT '',
            "role" VARCHAR(8) NOT NULL DEFAULT '',
            "created_at" {TS} NOT NULL,
            "expires_at" {TS} NOT NULL,
            "used_at" {TS},
            "organization_id" VARCHAR(40) REFERENCES "organizations" ("id") ON DELETE CASCADE,
            "user_id" VARCHAR(40) REFERENCES "users" ("id") ON DELETE CASCADE
        );
        CREATE TABLE IF NOT EXISTS "login_failures" (
            "id" {SERIAL},
            "subject" VARCHAR(340) NOT NULL,
            "at" {TS} NOT NULL
        );
        CREATE INDEX IF NOT EXISTS "idx_login_failures_subject" ON "login_failures" ("subject", "at");"""

DOWN = """
        DROP TABLE IF EXISTS "login_failures";
        DROP TABLE IF EXISTS "account_tokens";
        DROP TABLE IF EXISTS "user_sessions";
        DROP TABLE IF EXISTS "memberships";
        DROP TABLE IF EXISTS "users";"""


MODELS_STATE = (
"eJztXWtz2zbW/isYf1l7RnET2XHcvJ3OyKnbunXsbuzsrdmRIRKSsKJIFgStaLv57y/Ai3"
    "gDKVIiKRLBlzYmcUDqOSBw7ufPo6WlI8M5HWma5Zr00Vog8+gt+PPIhEvE/iG8PwBH0Laj"
    "u/wChRPDI4D+yDHlQ71bcOJQAjXK7k6h4SB2SUeORrBNscWfdjQCloleULxEwMDm4i14ek"
    "YET9dP4BgtITYA1HWCHOdkAJ7Y/xFlN2zoOCuL6PwaNp8xReziEi0niDhzbJ8M+KN1S2PP"
    "xuassad8Mp/YSNdml+kcgSkmDn3hUEgosFYmIiDA4+QUfHSQzl5BQ+D4yWX/HkP6xOadoK"
    "lFEHhCn23MHsuvnvJ3d038h4sYjjPEZibsF/z+b3YZmzr6jJzwT3sxnmJk6AmmYZ1P4F0f"
    "07XtXXs3h+RHbyTHZTLWLMNdmtFoe03nlrkZzmDjV2eI/QZIkR5jnukaRsDt8JL/ruwCJS"
    "7avKQeXdDRFLoGXwJH301dU+OcB8HaChByTr8z4HKiw++/D14xRjQe390/jh+uH8fjo8z6"
    "4S+UYnZwSbNMvvYwm90DaAk/jw1kzuic/Xn+8ov/nAgofxR/4N9GH979PPpwfP7yhD/QYg"
    "vYX993wZ2hd+uLNwWk0J/EY0vEhwXDoQonwvH18CK8EDEj+vxCYEPoGgf7sgTWl7lQX/pI"
    "R8h6u8t4Dp15FXyTVG2t+NYwvjgvAfLFeS7K/FYSZm9frILwhqC9JXzUzm5xNiyzXbBRuf"
    "B695L4EosNqgBvOF46dGveHjSCOA7sLM2i+wO7w4UAMcJJyhTOekB6Gv6jj9sy+4H6vWms"
    "g62qAPjHm/fXD4+j97/xxy0d5w/Dw2/0eM3vDL2r69TV44sUlzaTgL/fPP4M+J/gX/d31x"
    "68lkNnxHtiNO7xX0f8naBLrbFprcZMKot21fBqiFpyt9pIUFW5nqSUkOs94XKISSGbA9m5"
    "Ko9jZDUwOFiPir/189ciM2ji/0KOwbiaKiMg3emo7Bh3m9FbEl8UqYh0jEQhLEaYq+fThV"
    "Ax5Ohl0f7RIgjPzF/R2sP8hr0hNDWRwBdozh+DafqF9ZdwLYVXo1ckcLUxZ8SXGPvp7Acj"
    "6i/K0cO70Q/XR7mbRg3I3qemkxNhwXYpRpov5QnUFitI9HFiTfM71tBKXdmMzd5aDpfpK9"
    "CEMw8k/mv4u4dGRxszjh2JzJH+nUGhIdLG4wValzVBmmD02w1gBKeAS8eAW/Mefh69GL6+"
    "ANbU+9NBTDugADvAoWxB6QNgG64DIHDmFqFAx45twDWwCZriz6dZ+2Mjj/hqzITxxSqhrd"
    "D7fwV2hOOlMwW8elkGazYqF2zvXlLCYR9dZWthnEbZCrfaCv09qQrAEUVTi/hw+L66KLOI"
    "02pWbA1fpPHl22AVdMPxLW4QBn5GLe3HZbbj/N04s3aZpLnEpksFCN+YNGf5JohSMHOhqy"
    "GYm1zDM/4SL4avzt+cX55dnF+yId6Lbq68KQD+5u5RgKsO1xVBDSgUogJElWU7H2p5LdsE"
    "PVuLnbiepFSGzy4bPg3o0PGO1u00reJ0lzndARN353bvdi2wh7UXdg38Fg2GEQv4F7L0zT"
    "lZDlwFxD/++gEZG1jF4I82E/V2V8sgn1T9kOPAGdoTpvf+LBJh1KjxOVpUIgN0YskVGKGT"
    "a3yrHTofk+123t8zmxr7QtmY7HVk8vfzPl/0jHiwLl8p/5bEUBzDXD4zsQNNfWIJzGxXlm"
    "UgaIpZEqNK8WXCyJo6sDZX2pUGr+7vbxOC4NXNYwrwj++vrj8cv/L4wAZh//TKatvdN8q3"
    "JpENS5nlhwVm+WHWLB/biCqs5hhVi6s53Hl6u5jZO8xmoriDXx7u73ICpiOStEKJNQr+Bw"
    "zsNGaVi+3sExcbFLP9nD+2sb28gA0cogQbwmV9/H70j/SKf3d7f5XWGvkEV+nVH529FfaY"
    "JJWEO00jDkCHIlsgP+cv/Q1BNxY+f540C3+FJnPLWoz9aIcqiz9L2aJ7q1DSNNFqnHy7lm"
    "TO+j25yseQD728PgbX1nfkepJScb0rXBeYojOmpSBKrqIROkmlAoC3h1gri7+y+HcJ/Not"
    "/oJNpQaUo0Dffm0nZeFNbqQJZNkrgLuPt7flnCnErc+L8sGVaUUrT0pnPCl8YRU6U4KVV8"
    "afMg5X/PbY/nsTAYa25nq6mzUF0ATRRGBqEV4ZBHiGlVPwzoBMStXBCtM5gMBA0OEFQxYI"
    "hIvn7VEK7Pqf8Ml80l3Ea4HwXIDVHJkAe2kBJvpMAfvpngkUHPu0Xvrqmg3D7Bq/yV5rAF"
    "ZwgV64dnB5BTFll0/ykgZ+j2G7cQz5PqGEj4nt2NT1gPdf0PcwJWm530k5k7ohEQ2KnEkb"
    "XpZlR0TRot3FRqbOYWsF9foDtzWXEG6y5RbFLNa5kbBpsvbCYV82BXTNsbDBBpSBtNhaEV"
    "FJaKnor2Uia5CClKKlTQX7U+43EydR30v6e+E7yXgHVDN0Cto0tIgQS+BZfWTSWo4XLySQ"
    "wXhWtOtc/+Ox2H+02XRu7+9+CoennUqphayCYFqMG1DuoPxtpJ+OAeUO+hq5XsodFNlXKn"
    "qE0oTKRVHCK8QeR6FGK2KdpGpIgDhc6nT9MPshU9VAjtPIIKMpB6cUkBc4OJM22H0db1Vy"
    "aroGfGnvW/rQ6nqdqb4CvZMX2fdA7I/xdThPvzbsstjGD6rtoAayQw2wvotm6pWwURbXpJ"
    "S1h2vesGa1ueYfKLJvrZlEW0VLrucQuEL3cwzdUi5ozzAasrfh3D7i7uZavcKzXMOuUNYS"
    "WHODz2M/32qTgpZvzf12ODw7ezN8eXZx+fr8zZvXly83Zt3srSL77tXNT9wMlhDEQrtYkT"
    "eVrQYPgKq29Q2RKnkjyluqmCAjcWrM2bCEDnE2LGhBkM2L6UMIQHu5R7V7/3VEhT008l1D"
    "EYUEtR3bdg1VN1crM3W3zNSl6mG5VW1MEYWEu1bjpqVA+KzNpiRXhPEgpTlGa61L1bRDfV"
    "2gAcVU+Xy9J9CHG9B1BAVKeBspL4UgG4BatshJzPksSzBqyAL5IlH70GisRSm/gVZj0SdV"
    "FeWQSCFdDmmvB+i4aumYJJV8HsdG6sd4VS+rIp0gUkCXAlpzHSa7hVt3Buz8MhoZwm6U05"
    "CqjowK0Mv/NOTVgVWAnmxcLxOgp8JsDm0LUREgjUaAlPGoC7KA63Cul7NKdUz4K5X2TuG+"
    "IQiBiegRShV7kAk32hMlyUKNVOmEA8evxL66fLNt8E1utdyOw12gXMUEYq2AjQg4DsgHgN"
    "GfvOX/dcCU6VHsnteykL0UWME1YPrVw19vMUUAmjr4zZd72JVsJ8T6pxdalWOxbmzWEqbk"
    "zSgVXdO56Brqr/LSQSD+cAkF3EbKox4sEaXbWKs0iZ5CXqC/HSICumuQ1xADrbIjuqQbNy"
    "mE+kqNQP7caDv5omekVDUeMhCmQWwX85IV1C3Nq7Sjb2pZpYcnBkgSSeDzRcI4ApXpmXYH"
    "vn5dxh34+nW+O5DfU50LDiWaP0PDFcD8A9LwEhpipDc0aeeOT3QaEPdvbRfA+8P1u5v3o9"
    "vj4cvBeaqmSXxrEdVm0yoFxcRp5NsvzsoExOSHw2S7wls2IhSL7Ib5UQNJKhUykHBO1hEy"
    "oCootVlBKS5BZjfyQl99ilRCZ31/nfOCvASkIfy8Y6PuBKmEjO5pVEaZWBxVx0cZT7sgvK"
    "ngl34b+FSljoNW6lBxRQeOd7jR0dK2KNeuPyDNIkkTa+6gQZEJGkfDx8QbXzII4pFHH1D2"
    "senAcqlmLZHX2QH8dv/wCJZQR0EDBxM8xV7pBfsun8DxAtkUDM/B3HKJc5INgahz8k/mJ5"
    "PPx0MqsAOYssp0ZzYxNqMICvZbTQf6Ki10vOsriyx4V4mZy/jmDIBjseczfgeF5z+ZBLGV"
    "6FD/TTYzLdDaaybh8IgMftVfscBbp15sBuXtKgiyDbj2n8QELbY28wM10qeKKPFPhWV0Mi"
    "yjYkKZvKlkjdjZuRUsR9YqEHXjRBIiXX/D0yl7OCI2waJ6c0UpewkyBXUJqP3qMQxEXeDT"
    "KKiSlKBqr0zS8GVfOhCwM9ZmTxCgmm9mj9PsZWTvpuyqEvA6zYouGflKWXe9NmvI2YHNSc"
    "p22HwATV0KLisjozIydgl8SaIIb5a2Rei7uWsujkRGndjtQaE5xxs41vjICoYc1zYsqCOd"
    "p5awIdgENkYacjyrCwVLtomAV+A9vgLHgVkmsJ5wzXfCm2w6FvubDYXmWmjNqfUJn0xunU"
    "EE2MRiczhAg9ykAhkRLWjh+R9r4vmi0R/KftIP+wlnVQU9yB+tysSKukEyiEUr2YRkLUYz"
    "pEjHsqypH3fUM0CL1magyGzkL3YYX93cjT78U1xr80qg+Fz98/F6lMKc7TcVRaSIQklG1S"
    "WjYH/fUyDyz9pf/Ll6BnhZaShaZ90TgjjyuSJQwJatAhD7gSXFnxF49/A3YBFw9wM3XgSC"
    "CpgghjP7Y+MsohYICwyCyRpA4IsgWd/VvhNyf9VtvN35gN1jv4c7rzRRb/TjsBn6yf+BJ9"
    "4BfUysldcZfW6t2M8mnhvLooNPpufE4nOt5paDgicCHbMpuReKPZHLXITNyaZwACQoeGPn"
    "LRugW/wnQDCBVJt780OyNNhb5spcW5NNwvKU2b7pkqSS+OtRwlySfpRG73t39KlFliKDWo"
    "HbZUMhoQhxWQLfy1x4L7OeLTZz5UqUEY0EFehbcNM6+L9ovFEbyqvSSTppumq3olLHneT8"
    "PSvll8RIVHJJ7e4walEoKOac+xlsxu/0BXTM91i3WSMwACKBTJgLaIJGmm2lNkgDp2sFQG"
    "MUCs40nEE50QpwxigUnGk4nQW27UpwxigUnGk4p5CJs1XQjAgUmGkwESEWqSRpRRTdELT4"
    "86QRtDxws9zIby22IZAhb70o6KSJ1mKh4bHCXhInUbtJxmPnG0IzcBbHUkVUKlyu04FUkF"
    "K0tEUldXO/lziJ+l5y9BYVZiqAWt7ccodCshvXk5Q1cL1HAkCHmFxqs5xiEzvzndicIlV8"
    "7jKfVdcW2fZwAdtV15bORU6pmPIDxZTHxNdNyHbKQ1qhqEIqTFwS2ButqXBrzbD5I8SGS9"
    "CRIOwscX9QFHlm8JHjqT+0QicJ36IKPPIB0CzX5PFhvPkD1Ly/wPFT8K+333ktR79/OvEq"
    "CXhjdJ3wCPjjJ2y//Y7/xe6Ke0o09aDtcV8qur6b0fXu5D9IVEOnIIYrImnqnD1cSa6zUu"
    "fsWcFBe5atylVdlJVWhO2vyOprKhkB6jBh0u/RcoKIM8e26MCK3S08rpabcY0UoHcdRHzu"
    "xETBvbKuuhvjGxyaEgb5EsuoFBwZjpdQB6s59FRZq/Nx76elo4y1Wlk6Wq+Kyg+iilDHSB"
    "TE1Y1J4dG/pxHpYzBNz8AuazyKLTLVOaqz9rlm5Xi/2atQiN/0gS2S4KOWs+VMTZ5R5xSE"
    "+YI8hW/Fq1GG9S4RAUu4Bjwux081BJi+9WtbIl65EvNmo3Psy3gZ+1Jts38y2TJzee1PAt"
    "jiQbzC/yCsnRkkPXo1g9b+ePDk+FleT+AYggU2uJnLf+JfgpzJT+YE8TKiwZ8cQgBnbO34"
    "r4gpsKHjoD0yGYPstpxsRlHnrJgg592PlTR2eCsgibIg2X/wMyJr+TQkamX5kB/v6Y9uP9"
    "bzMEadZqrJaVUA90er4Nra2TCpxoeJYkRDjOCVpNfjattQnEaxpHaWTIm1HAf+siqndJpO"
    "SuWz3IlcdCRnVPxu+rEOiPK335axVrJRuSh795Ioz+lSkLaan00RjlfJFNWTKShDtQrW4X"
    "iFdXWs5wjqqFraVoykG8enXAnycFaJG+H4brBCKklmiSgUVw7MZ0ecphsskerreIYEc4Aq"
    "fSIJIsWU2pkCKYXafMmtdl4oQJY3RUldGVKV3JVJ++9HtTHfbt2ObbP+YmOq7XGbbY+5z2"
    "KXtLWITOUydS1CUOVvfzXsVfnbNR/xBnTo2LNMV7F8JKmU/aO6/SP0NVc/h6g6h3qwUalI"
    "0/wtTN5IU5VJLRvXBR97JpMa2ni8QOuK8a5JKhnO0KaDimOt0CtCnSZUaG9HO9nBvizUSS"
    "qF83acVXbCoUPnVZx3o3HegqOyBpRHNv7Vn6hf20lZeJPiQQJZ9grg7uPt7VHO6VgHuonJ"
    "JEU4LRWUADkWLb4nwu+imeSENykJ5GBbpkZL5Kvbs1BLkN8x2swn0e6cWKXouTawrp8lxo"
    "kgDdu4Nqw+hNPJiheFM145uB60HuFMJpxayFmLbVz52WvJ3W1rHts4tbvWW5FCVSTqQ0Wi"
    "/jTkak3nbKQlF5eIuP/GA6oC1mk6hXf5FmgVHMXhcNXJWlTn21+Dom06v5l1jEj1sx7s2M"
    "86PKirmQaTVBLuGI1bBZdRNYA9Vf1YXYGeQV5W10+utg6We/DV2HypeaPmbheYI+W6XPkH"
    "PySWwQZNB3vR2NYUwLDPtF+Kgft0DcwGP/10/Qi+CWtMfPMn1r88AYKoS0xHXF+03unL1G"
    "CIfRi8kbQS6jsp1Pcjdru146L+uG0dUYgr5WZGFBK0MG47YE5VdJUyTk5Jt0q6VdLtntJt"
    "5HjIl3ATzontUm7SNVJO0iXWyitaT61vNO2biaaF5esHwLFCidQBGjTBBIEpNigiSAfHvM"
    "YYWzcO0k/AZB0SicXdBp6xS90xr+qaF8mg5N9uyr8L9uOrHCnheAkPk7MSZ8lZfnX9tOAb"
    "rf0K8CaIZMR4WKqLwbCgi8EwExqohCMVgykT5EoebU0eVXWMW4tvPajoz6No8oX+IMZmu7"
    "gfVvNpNPwjK0azxyoBuqMCNPXXTtlzMBgu4dn3qlT1xFcF1RNfZasnKtFOiXYyQa5EOyXa"
    "9Qbljot2CS4IhLs0l/LFu/gP7Vh4b3fbJiRAk693QtVI33qjfA8rWDcv16m6H/no97MCRF"
    "7dj4zEUyqXzW9ayXbRBTL3zKMZ+XM98qlKLIeepBGK0oX3BapsqnDXvphyGG3SWPeFqUrO"
    "b8+hGhO3Prg+uNIiFiTx7glV+VznPoM0FpdQ3wEoyVIj605NljonGS9ti+yL0I03yS/WRF"
    "aUUn3Ud0cq2bhdTqiihpX74CSb6S2ZKujaNg8I21+KeohmkhasWoDinYYf5AOqScNgfG0J"
    "7IKppZdvFkyv9u3hnSMzDJn0EoriJjJgsjOdeN1k2U0LHDPJ2p1w6glvIDthOqrG/6FZS9"
    "tgSPF/s1/oQuMkG+LZ4HME9sutcZ2FzuvKyU/dNXnGF4R8Fk+PqVXYsSGQ0N3XSKCiCglt"
    "C2mCoCNy9eXDHFFIiLFK6+t5Wt/B4mA6Zg5vvJqv8kt9JX4pFfzUpeAnFaAjYYAON10cCR"
    "Rw7/qgSPN2naCDrQrE2a6VBs5ypZEqjbS3GmmH4p0awdmGjrOy2IY6h868CtYZQglXdiNV"
    "Df1F+owIZpPuItALJ1DdxLpcJUVpb/lfnFza205RhSqaUAUNKBevFC7eOGQ5GuZDGRcvVz"
    "THTjUfL3DwzET6C2yCCS/zj4hfPlKzrAVGYG4Zuu+W9fabAfsndryCPBbbfgGmDtDxDDlU"
    "4NatdWqlAPdeAfbYXFlnSFJJp6BdnJeA/eI8F3Z+S1n9v065MaEhfrYxm20X1TBBKSHXe8"
    "LlUkqhcu607kX1pKpqUMdIFMTV/Wdu4FLZ028WemZ6BnZZf1lskamaAV+lS3KECNbmRwKV"
    "MbgzKNIWYTSmM37Jr6XM054tevJ1rGdEHOEnnn9YxUgkPKwaccfwj6oCwsFwCdFtppxCXt"
    "upXx7u73I019ymUzrWKPgfMLDT4+xBEbgcjITWkonMTAdhDpLqCJ/gSiSItXmYffl/TjB3"
    "ug=="
)
