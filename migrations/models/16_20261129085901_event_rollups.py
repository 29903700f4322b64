"""Event rollups (models/events.py `EventRollup`): events counted and summed per organization,
span (15-minute UTC slots and UTC days), bucket start, event type and currency ("" for none),
kept at ingestion; the analytics of events read them. Filled here from the events already
stored (the same figures `viperatron analytics rebuild` computes).

PostgreSQL: BIGSERIAL, TIMESTAMPTZ, NUMERIC(38,4) (sums of up to 10^15 per event stay exact),
filled by one INSERT … SELECT (`date_bin` to the slot and the day). SQLite stores times and
decimals as text: the sums are made exactly in Python (Decimal) from the values grouped in SQL.
"""

from collections import defaultdict
from decimal import Decimal

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

CREATE = """
        CREATE TABLE IF NOT EXISTS "event_rollups" (
            "id" {ID},
            "span" SMALLINT NOT NULL,
            "bucket" {TS} NOT NULL,
            "event_type" VARCHAR(100) NOT NULL,
            "currency" VARCHAR(3) NOT NULL DEFAULT '',
            "events" BIGINT NOT NULL DEFAULT 0,
            "valued" BIGINT NOT NULL DEFAULT 0,
            "total" {DECIMAL} NOT NULL DEFAULT 0,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_event_rollu_organiz_fc16c3" UNIQUE ("organization_id", "span", "bucket", "event_type", "currency")
        );"""

FILL_POSTGRES = """
        INSERT INTO "event_rollups" ("organization_id", "span", "bucket", "event_type", "currency", "events", "valued", "total")
        SELECT * FROM (SELECT organization_id, 15, date_bin('15 minutes', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
               event_type, COALESCE(currency, ''), COUNT(*), COUNT(value), COALESCE(SUM(value), 0)
        FROM events GROUP BY 1, 3, 4, 5
        UNION ALL
        SELECT organization_id, 1440, date_bin('1 day', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
               event_type, COALESCE(currency, ''), COUNT(*), COUNT(value), COALESCE(SUM(value), 0)
        FROM events GROUP BY 1, 3, 4, 5) r ORDER BY 1, 2, 3;"""

SLOT_SQLITE = ("strftime('%Y-%m-%d %H:', occurred_at) || "
               "printf('%02d', (CAST(strftime('%M', occurred_at) AS INTEGER) / 15) * 15) || ':00+00:00'")
GROUPED_SQLITE = (
    f"SELECT organization_id AS org, {SLOT_SQLITE} AS slot, event_type, COALESCE(currency, '') AS currency, value, "
    "COUNT(*) AS n FROM events GROUP BY 1, 2, 3, 4, 5"
)


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return CREATE.format(ID="BIGSERIAL NOT NULL PRIMARY KEY", TS="TIMESTAMPTZ", DECIMAL="NUMERIC(38,4)") + FILL_POSTGRES
    await db.execute_script(CREATE.format(ID="INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", TS="TIMESTAMP",
                                          DECIMAL="VARCHAR(40)"))
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for row in await db.execute_query_dict(GROUPED_SQLITE):
        day = row["slot"][:10] + " 00:00:00+00:00"
        for key in ((row["org"], 15, row["slot"]), (row["org"], 1440, day)):
            acc = sums[(*key, row["event_type"], row["currency"])]
            acc[0] += row["n"]
            if row["value"] is not None:
                acc[1] += row["n"]
                acc[2] += Decimal(str(row["value"])) * row["n"]
    if sums:
        await db.execute_many(
            'INSERT INTO "event_rollups" ("organization_id", "span", "bucket", "event_type", "currency", "events", '
            '"valued", "total") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [[*key, n, valued, str(total)] for key, (n, valued, total) in sums.items()],
        )
    return "SELECT 1;"


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "event_rollups";"""


MODELS_STATE = (
    "eJztXWtz2zbW/isYfVlnRnES2XGyeTudsRN3161jd21nd7v1jgyRsIQVb0uAVtRu//sLgK"
    "R4p0iJpEkEX9qYxAGp54DAwXMu+H1k2joyyOGpptmeRe/sJbJGH8DvIwuaiP0j9/4YjKDj"
    "RHf5BQpnhhCAfssp5U3FLTgj1IUaZXcfoUEQu6QjornYodjmTxudAttCLyk2ETCwtfwAHp"
    "6Qix/XD+AAmRAbAOq6iwh5MQYP7P+IshsOJGRluzq/hq0nTBG7aCJzhlyywM6LMX+0bmvs"
    "2diat/aUe+uBtfQcdpkuEHjELqEvCYUuBfbKQi4I8HhxCL4QpLNX0BA4ePDYv6eQPrB+Z+"
    "jRdhF4QF8dzB7Lrx7yd/cs/F8PMRzniPXssl/w67/ZZWzp6Csi4Z/OcvqIkaEnlIZ13oG4"
    "PqVrR1w7w/MLi/4g2nJkZlPNNjzTito7a7qwrY0Atii/OkfsV0CK+BOo63HtWZ5hBOoOFe"
    "q/bNTEf8uYjI4eoWfwMcCl/ReIro2m06vru+nt+d10OsqMj1AipszgkmZbfGyxVyUCgDl/"
    "hZd/nkyOjt5NXh+dvH97/O7d2/ev37O24n2zt9794b9MhJbflcDs4i8XV3f8hWw2gP3xzS"
    "/8IWQghb6UUEaE/pL9+Cz+HxfQzUc/bJ/Cn/2wNP4h2mUKCC9EGog+ui5UYMKvUwNZc7pg"
    "f74vAffvpzcf/3p6c/D+RRLgq+DGhN/hSEfIijlluoBkUQffpFQzKD/vME9gfHJcAeST40"
    "KU+a0kzGI2rIPwRqC7ITwadQLu0eR1BXRZq0J4xb0kvq7NGtWAN2wvHboNTw+aizgObAXN"
    "ovuJ3eFLfz7CSckUznogehj+Y4jTMvuB+rVlrIOpqgT4u4vP57d3p59/5o8zCfmvIfA7vT"
    "vndybi6jp19eAkpaVNJ+AfF3d/BfxP8K/rq3MBr03o3BVPjNrd/WvE3wl61J5a9mrKbLFo"
    "Vg2vhqglZ6uN3VRX60lJCbU+EC2HmJSqObCY6+o4JtaAgoPxqPTbvH5tdw4t/BvkGEzzNj"
    "DF62OO6E5LZc+0m1wrj6sYIsfFdshxxgxhn4ZbE+mYiEI4H2G+KX9c5m4MOXpZtH9gu388"
    "t35Ca4H5BXtDaGl5Bl/AxXwJuhkW1n+EYym8Gr2iC1cbEiM+xNhPZz8YUX9Qnt5+PP10Pi"
    "qcNBpA9jrVnZwI50yX+UjzoTyD2nIFXX2aGNP8jj2xU1c2bbO3zImZvgItOBcg8V/D3z2k"
    "Gh3MNDbKIyH9O+NS+tHB0yVaVyUeLXD68wVgAoeAW8eAc3i3fz19OXl7AuxH8SdBbHdAAS"
    "aAUDag9DFwDI8ACMjCdinQMXEMuAaOix7x18Ms69jKIxomB4tn/D0m+x1Ik9F3j56lce2A"
    "QOfxwUoOvzOgOdPh9993sz9tas0t5grF/2uoI2wvHRXw5nUVrFmrQrDFvaSFwz662mxhXE"
    "ZxhVu5Qn9OqgNwJNHWIH4+fN+cVBnE6W1WbAyfpPHl02AddMP2HU4QBn5CHc3HVabj4tk4"
    "M3aZpWliy6M5CBf6ypJC231mA6CJArfZ5M3xu+P3RyfHG2/Z5kqZkyx0iCVx1eG6JqiBhE"
    "I0B1HFbBdDLS+z7aIne7mT1pOSivjsM/FpQEKnO7LbaVml6T5rugcUd+9m724Z2OflC/sG"
    "foeEYaQC/oWYPp2T1cBZIPzDTzfI2MCaD/7ppqPBzmoZ5JNbP0QInKM9Yfrs9yIRRq2Sz9"
    "GgyiOgE0OuhIROjvGtPHQxJtt53l8zkxr7Qlmb7HVk8fcTny96QjxEl4+Uf0tCFMcwl48m"
    "JtDSZ3YOzXZm2waCVr5KYlIpvcyYWFsL1uZKt9bg2fX1ZcIQPLtIRe5effl8dn5z8EbogT"
    "XC/uqV3W33n5TvzCKbVKLlJyW0/CRLy8cmohqjOSbV4WgOZ57BDmb2DvN5XtzBj7fXVwUB"
    "05FIekOJNQr+BwxMWmPlYjP7zMMGxWw+549tbS4vUQOHKKGGcFgffD79Z3rEf7y8PkvvGn"
    "kHZ+nRH629NeaYpJSEM00rDkBCkZNjPxcP/Y1APwY+f540A3+FZgvbXk79aIc6gz8r2aF7"
    "q9TStNBqmny7jmzO5j25ysdQDL28PgbP0XfUelJSab0vWs+hojPUUhAlV5OETkqpAODtId"
    "aK8VeMf5/Ab5zxz5lUGkA5CvQd1nRSFd7kRJpAlr0CuPpyeVnNmeJ6zXlRbjyZRrTypPTG"
    "k8IHVqkzJRh5Vfwp03DEb4/tv7YQYGhrnti72Y8AWiDqCDzaLq8HAgSxcgg+GpBZqTpYYb"
    "oAEBgIEl4mZIlAOHg+jFJgN/+Ee+tB9xCvAMJzAVYLZAEs0gIs9JUC9tMFBQoOfFmRvrpm"
    "zTC7xm+y1xqDFVyil54TXF5BTNnlF0VJA7/GsN04hnyfUMLHxGZs6gng/Rf0PUxJWe53Us"
    "6kflhE4zJn0kaXVdURSXTIuzjI0jlsnaDefOC25rkup2w5o5jFujASNi3WXTjs67aAbjgW"
    "NpiAMpCWsxWRlIRMxXCZiSwhBSlFpkNz5qfCbyYuor6X9PfCZ5LpDqhm5BS0aWiR69o5nt"
    "U7Zq0VePFCARnIs7JZ5/yfd+X+o82kc3l99ZewedqplBrIKgimw7gB5Q4qnkaG6RhQ7qBv"
    "UeuV3EERv1LTI5QWVC6KCl4h9jgKNVoT66RUSwbE86VONw+zHzJVD+S4jAw2mnJwSgF5iY"
    "MzycHu63irk1PTN+Are9/Si1bf60wNFeidvMi+B2J/jM/DfoY1YVfFNr5QbQc1sB0agPVj"
    "1NOgjI2quCatrD1c84Y9b8w1f0uRc2nPJZoqOnI9h8CVup9j6FZyQQtiNFRvy7l9rreba1"
    "Wd9sDvdXHagxgNAoC63PpGSJW8yctbqpkgI3FqzNGkwh7iaFJyBEE2L2YIIQDd5R417v3X"
    "Ec09Q6PYNRRJSFDbsWvXUH26WtHU/aKpK9XD8upyTJGEhLNW69RSYHw2xinJFWE8Tu0co7"
    "HWp2ra4X49ZwcU28oX73uC/XALe52cAiX8GCmRQpANQK1a5CTmfJYlGDVUgXyRqEM4aKxD"
    "K7+Fo8aiT6ouyqGQQroa0uLkz2nd0jFJKfk8jq3UjxFVL+sinRBSQFcCWvMIs93CqTsDdn"
    "EZjYxgP8ppSFVHRgXoFX8a8u6BVYCebFqvEqCnwmyemwtRESCtRoBU8ajnZAE34Vyvxkr1"
    "zPirlPZO4b4hCAFFdAelij3IhBvtiZJkoUaqdMIzx6/Evrpi2jb4Jrcyt9NwFqhWMcG1V8"
    "BBLjgIxMeAyb/4wP9LwCPbR7F74shC9lJgBdeA7a9u/3aJKQLQ0sHPvt3DrmRPQmy++1xW"
    "ORbrxnqtQCVvWqnomt5F11B/lFcOAvGbS2jgtlIe9dkSUfqNtUqTGCjkJfu354iA7hvkDc"
    "RAq+yIPu2N2zRCP7HtMc4t3BXcKTU+ddGm6incgPi1foAvFpTSigP0AWBKwKefLj7zk7SB"
    "AzGzIbmh6Lj4iY0NcZUgaAQFtjLGZwvPuLf+fvHz+c3p3c31FRs1H2/YwPnp/JcXwlJdLS"
    "AVliz3O4FPV7dAWyBtCR5tz9KLjdf0pySgT5uwksQ1BGNEvrAGdX5I5JZ8e1TFLfn2qNgt"
    "ye+lopfZHKnRvMorJfHLMRkJcT6pAvNJMconGZD1JTanjjczsJYfP1ISypwVlQLyrqOafR"
    "z9xWc3HSRllRJ2qTo0iFSJoVdLdJFmM4u1COziSJOMoIo0Kf8EVKSJijmoFGnyhFzMfscu"
    "ak+JqlOp+xNaktWz2Jfu9nUnJJWW+6xlxUA/NwOtWFIJWVI/9COHJN3EhBRzpFHoSeuJVW"
    "GxmO3O8OQ5k7Ym6pHrm4r/6eaJBpLwkr5e5KMlVT28LDv5thI7+baEnXybX3awbvkKdb7r"
    "LgEMT9DwcmD+hDRsQqNgcxLKpA1WX+gwEB7e2C6B99P5x4vPp5cHk9fj41Tl5/jUkneChV"
    "YrdTAuI998UYVkL+bYMxS749oOcinOi64sZrySUoruapzuUnXmu6wzH7cgsxN5Kf+QEpWQ"
    "XpSJgXCRhvDTTopOiUqoaIl5ZFXtXIWY9sF4UwTfsAk+Vc+44VjeevWMVfblM2eFCUb5xj"
    "YMzxkVEc7B7fFW2nnqipYVA3RF3wRotmcxFYn4VuKZ/DBbnssV/4LHgBtggBg2HfsH3wKu"
    "eiEScgNjsEQOBb4tlwjSbek59/xkXETElhVbUX4Z+9UWgf5WFhJx3ed+/bDf4N9sBln7Mr"
    "bnaogHDjNd0wU/rfcJO3zYurwDCxprijUCXMT3xfoD4LEppuNRJPomIvuNgEfXNvnf5otD"
    "cLeyAXHYW3wAb96+NLHFGosfRe6tA/Z8dw2+3H1kj3wkiPJ391gvmAAITDagsWOI13nzFv"
    "iiZMxekr3JGvxmW+hPBCzYK7OLOlwTPyoZoSX7l4vuLRPqQni1YJta/5l+5DJ/oBA44H0B"
    "w7bmYMU+NHsFuJHKH85uC42w3zP2zzMW8sBmBuy9BV0e4ywgC16Dt5/xi9DFiJQcRpxeQj"
    "k2/P8zT1simvVPbOimvUKkVTofv9dJsexAn0n8b01oGMW1sgMZmapkH03enWyA53+UQX37"
    "+fTyMkucRN9Ena10JCXhLnogu+ZKdIlyI3WYB/scno7dyPdunNENOzoKi2yULLyRjDTnDn"
    "ey+KacozXNnUhGob4b6tSmMKembalLeiOzt0u6Vwqo4JA+el/DIa0oTkVx9gl8SWIYL3Rk"
    "OjblxsyNyKYZ5dBL2UbjMpIJR82nfopORarpjhMtlA0kHdge1WxTkBQQ/Hx9ewcEZyH4Bm"
    "iBh9grvWRj7gEcCL5ncuzTHi+yFYia7Pzeurd4f7yiESYAWwS5nLTaQjCtbHcJMAVzj+kt"
    "4GsAG0G+OUnvLRexsU2o/yabnnjq+QpiwbGIq/43AMTIF7QNu2gBFzkGp254C7YXYaO9Ot"
    "eSV3df0Si9pFFq1nOXKf2zgwBOW3C6uStciYERF5IQ6ZPjKgnmx8UJ5sfZgvnWHLmOi/OO"
    "ey2rmJ8QU1BXgNrPjmUg6jlkUskhhQmp7jaEk9ctbwkbO6SQrbEOe0IOqmUZy5HMXtGb/X"
    "SKqqzkXqtieDz4Vwez7nZQc1KyGzU/QwiIFFpW1I6idvoEvizUjunYLv248KzlKI/Uid0e"
    "l9I5ouFU4y1rEDmeY9hQRzqv7MyaYAs4GGmICNaFApNNIuAN+IzPwEFAywTsCd/5ziDhMT"
    "fsb9YUWutcNqfRJ9xbnJ1BLnBcm/VBgAYtEfMCMC0JWvmPPRMMNvqv4k+GwZ9wVdXYB/mt"
    "ZYo/aWwDxCHOG8kWdNf5aIYS6SSpNfUT2gYGaNnYDDYyG/uLLcZnF1enN7/k1yM7y9n4nP"
    "1yd36awpzNNzVNpEhCWUb1LaNgft/TIPLX2h/9vgYGeFVrKBpn/TOCOPKFJlCglq0GEPuB"
    "lWsaf7z9O7BdcPWJkxeBoQJmiJcg9pyNs4jaIDzfF8zWAALfBMn6rvbtkPurLvESgfBElz"
    "G7x34Pd15pBsRmUNWYh/wibhgdPOjM1IH04cX/gQcLfeUx46sH3nxhr9jPdoUby6bje0s4"
    "sXhfq4VNUPBEoGPWJfdCmX4AtMv6FBHQ0EXBG5MPrIFu858AwQxSbSH6h65psLcstLm2Vj"
    "EJT4eOygL6v0WaGiX+eJSwSIkqt5lFvflym4+2a+YRaiVul42EhCbE+wr4vi+E933Ws8V6"
    "rn0QdCQjXThpK25agn9D0822ofpWOimnwhx3C3O0xXvWKlwSE1FVSxp3hxXEnRZ+BkUxp9"
    "W+gJ75HpumNQICMC96uhDQhIw000pjkAZO1xqAxiQUnGk4g9O8a8AZk1BwpuEkS+w4teCM"
    "SSg403A+QmbO1kEzElBgpsFErmu7tSytSKIfhhZ/njSGlgA3q43io1g2AjIURCwLOmnj+J"
    "WQeKwxl8RF1GyS8dj5RGgGzvJYqkhKhcv1OpAKUopMJy/ZtvB7iYuo76Vg36LCTHOglrdo"
    "IaHQ3U3rSUl1KEqfJ8tHbGGy2EnNKVGl5z7rOaA+dlBzUlLN4T1We/D2Kqa8P5FTKqb8mW"
    "LK46e7hSHbKQ9pjWqdqTBxSWBvtVjnpT3H1g8QG56LRjlhZ4n747LIM4O3nD76TSsGn11b"
    "CPiMKhDi401JTV61EWriL3DwEPzrw3fIZK2/f/ALQIo2uu7yCPiDB+x8+I7/xe5mg9LafN"
    "D2uC8VXd/P6Hpv9h+UV5y5JIYrEmlrnX2+Wu9HldbZo5KF9ihbC6m+KSutCTtck9XfqWQM"
    "qOcJk/6MzBlyyQLnlpeO3S1drsxNu1ZONvQIcn3txExBlXU1iHXBtY1aIZFhewl3Xg0HnC"
    "qOuhj3YfIbVThqxW90fsgOX35qQh0TURDXp5DCBX9P6uhL0M3AwK5KGcUG2fbDcxQrJ2Gl"
    "h89+Vt8o13T3b22x2/2swOoEk6ByDkGYJcgT91a8BmVY5RK5wIRrwKNx/ARDgOkHv6Il4v"
    "Uq+fktqwX2bbwMq9RY7/cWG2Yer/jpAjZ4ED8wchxWzAxSHUWloLXfHjwQP7frARxAsMQG"
    "J7f8J/4pyJS8t2b8ZBcU/MkhBHDOxo7/ipgCBxJSctDJ1vzFIKetIIcx7yD2mCEn7sdOyC"
    "L8SACJch/ZfzA/Gke+5EdqZ/VQHOXpt+4+wvN5qJx2ashpdQD3W6uQ2sbVMKunh5lSREuK"
    "4PWj19N601BcRqmkBZVo2MF8CedXaqUB5Ij2Q0FSJV7y8/ymgRuzjhmVlpOSHahmMpXZTB"
    "kOpp/uxWdE+c9/rkIns1aFKIt7SZQX1MzJJi5OcgnbqxyX+jkulKFaB+uwvcK6PtYLBHVU"
    "L5suJqKWz8aXTwrntbQRtu+HKqQyNU1EYX5Bx2J1xGX6oRKpvo4n6GIOUK1PJCGklNK4Ui"
    "ClUFuYfGMlwhqzuinLtcuIqpy7TDWGYRSB8x0L3ZDPzdeAI9DSZ/bXLMpntm0gaBUAHUml"
    "K/gysbag3lzpuILv9fVlYvY4u0ibmF8+n50z4FNnWOYMaWTtlE0YiakUs74Fbqq0+m9GvS"
    "qtvuEl3oCEToXroA7zkZRS/Ed9/iMMBqi/DlG1Dg1govIs4s04CrOcWOtSyy4lqay7GtYd"
    "D5daTm0H5VVELUU9Jbkb6sP5nhrHXDOwlpvfuh30SFShXhn1gjFeaAUVjWxlAo2Khm5xQd"
    "SiAavAZBC6zDTko23Hci4ZcWXn9NnO8RUmvog9FJ6UVxrvs8b1JTanBM8tSIOiCVV3jVlJ"
    "tXOsv3NUSYbFi5m8SYaqdJZsWs+ZbDOls6CDp0u0rpnqmJSSYY5tO5+U68DcJYE3I6jQ3o"
    "52kBNVE+qklMJ5O84qMf25s6ZVim+rKb45S2UDKJ86+Ce/o2FNJ1XhTZoHCWTZK4CrL5eX"
    "o4LVsQl0E51JinDaKqgAcixReE+EP0Y9yQlv0hIowLY4/T8vgHDPypxBav/ppj+JZufEKG"
    "UrJ/udzSF2vulPWsSemgPrSWKcNkmSzWB1E3YnK14UzvnhOs2gdQfnMuHUQYGX2FRfXOol"
    "uR5sLfoyTa1HzRZtVMUZh1CccThnVne2S2/l1GpuQ/JYOgFUDazTcgrv6qeEZ3EuPRy82r"
    "QyBHibDljxx2DeNG1Bd106cHNA3ZzBPjBYy+beIINs4+JhQ/Ps4ur05pd8z+tZTsbZ2S93"
    "56eZzEx/oa5HpialJJwxWudRzah03p7kSKwI38Agr8qOJEdbD2sjxvb8xaZzkhjYbjqniI"
    "lqpRN5nBk44PUHRSQqQx84+CsywAoS8IiotkD6C16wUMQn8TqEoh0/ZQNbS7+VbRj2SjR7"
    "BCL7OlNCsfGn3FvBrx6DFaYLsFrYYT+86CFvD13+P/5MXnH15Skb6xRQZBj8hI+Fx1T0MA"
    "YPjmt/XfN/mGzbgS1U+cSPX+NfJBtouaUQ2S8VQ7B2yUO12+hqtxGqqOpKFraXcA1ruBS8"
    "59Yq2xM0l8Gr3XU8HJyLLH4D1iv7lRJTI3rbiBaA1Ua4W2xHo06QnVSqpzYpqac2ydZTUy"
    "cJSRkurbaMKtpJJshVtFMfop0UISITIfK0hQt5qk6DPNVjQPx6TZxwsAgWpcI4wQCC7vyD"
    "HLgRYWDW+OEv53fgVXhCxavfsf7HA3AR9VyL5J9J2mz3O/ASinfoJe8wjMJina3MzRcV0x"
    "GFuBYDEUlIsF3rnINQeze1d1N7t/h0pdx9yrpNRWIWW7iJaM3tVm4yVrSapevaK3HQPbVf"
    "adqrmaaFR96PAbFDi5QADVpghsAjNihykQ4O+AllbNwQ7nybrUOhfHO3hWfscmqZOLNNJM"
    "Mo+7ef9q/yu20Wk6MKa8lR4VJylDZ8o7FfA96EkIwYT6qs2KxVMc6TDN+qjCNFbMsEubJH"
    "O7NH1SnInTkNntX052lFxUZ/kHS03dwPj5ppNR8ma0azxyoDuqcGNPXHTtV1MGgu4dr3pl"
    "IoypuSUJQ32VAUZdop004myJVpp0y7waDcc9MuoYUc4y6tpWLzLv5De5bvXDztNjnTbrfj"
    "Yke4BfAmQDv8zoDmTIfft3akWzsLYLFdVzf1udm05+c1rNu361Tp2GL0h1lEtErp2Gc+FG"
    "MnTW+uDPaAhmc/FuMbwj1j3xebRrGYHU2c/MlshmX+l1GjjM6p39cd76qCavqZsVVebyio"
    "GrgvUFVrK/ZtfaiG0abu374w1SmSOHCopq7XHFw3nrSIBVUP94SqenHIIYM0zT/NfgegJK"
    "uMlogRZt8M3vfT+yQ6kRWiJoo3Sl21UQA0dW3D8JwmcLoRPcmKFjYd2913PF2ITn60Z7Ki"
    "ZCJzhlyywPuOqM+bjuSFyg8p3Rcn2TwXyTlK1SyuiRjxHIdHIO+/kbmNepIWrEaA4mWabu"
    "UGaoVmC9teclcWfkIu3nfa+off3ye/O2lJhRA2ZOmOjfeexALUzoPeZEKtTbdnfCLL8Xqm"
    "5rlip2d6at2evHJqhQkhIl067gAEFrO/XUDY0GA3bXAQOztcH4OZ7Vka/4dmm47BkOL/Zr"
    "/Qg8aLbAJLi8/J8c5uzVopDc2rndrdX4dufEDI588VSq2jjo2AhMFMraRhqISXrpB2ESR5"
    "gUzFMEcSEmKsihYMvGjBs0X59sz92fpxlyrq5huMulGh3c8d2q3CjyUMP+Y82ShnAy6uj8"
    "t23h5rocKMK+5Kg+AotSNVO9LB7kh7FM3dCs4OJGRlswl1AcmiDtYZQQlHdiuHWPmDlPsu"
    "WKe7GPS5HTRg1/dsRzUQMz7EpNSOV7u34i9Ort3bTlHkKnpcxfSoeAIpXLxxyAp2mLdVXL"
    "x8ozkl9Xy8gOC5hfSX2AIzfqozcv3i2JptLzECC9vQfbesmG/G7J+YiHKDNpt+AaYE6HiO"
    "CM1x6zbatTpXeKgFU7hya+8UklLSbctOjivsEU6OC7cI/Jbi+r9NazGxL/zqYNbbLhvChK"
    "SEWh+IlittBZVLp3PfqbCl6kEdE1EQ1/eaeYEjZU9vWeiPGRjYVb1ksUGm6iB9k47IdPR5"
    "zo4xJ0C9eNeYHx1frba9yMLjgbk2/yOI7P4AmLo9EZZrQGY86ICXmXcR0444WnqJopOYwA"
    "F7sVdsjsEWIq8MBNn29dBZ50QJt/+4KqU6o9OAdNaUHzDND6BGsZj2mDktS6RwMEJk9MmK"
    "LNJ62ojLqHW+ginlAyYwqg1zKKWArgC0A9eGDXMG84+311dFHtmNSHoPiDUK/sfmTzLgVJ"
    "08aDkYiY1fJqQ1Hb06Tu7oeAfpkNZhnCs3cthKxWHrZIC3EKftr7kZlMupjkhK0Ry9pjkg"
    "pch08vIMC7n6uMh2xr4pfb5u6/vxGfvJm+N3x++PTo43RP3mShk/ny0FZ0BCp/WTG1JiKs"
    "OhdoaDYuO/iQkr2DLvpOi0rArG6rOmPUff8YNOSqoPutdqDomcupRAUkxtVtUJFH2BXKUp"
    "PZd3IG9eaQBmecuopJFOzao99MFslFDsg4nrabsPJlFqp1KFFtYYzZnybfdPBHy5uRTODx"
    "5UF/hK+KwBMAUu0hCzNwk44Ap6taH0TT2/IktT/e5y/plyofRsERmXuFA8t1ZSW9BcwvV6"
    "8vr4fZXMH9asOPVH3EwXp4hergbQKTEJSJw03FWG9qTknJJJ9pySorK7xQ6USKJ7/0lsmp"
    "l52KDYIof8ea3NLZ17VRBbCnKMphKvykZCwhmm+ahhZPEfnhcfX3ZMSEyqwxNCwlV2UAeE"
    "KFK42jiXN0RbMYeyaT2HSczk0il2S7FbfQK/w9jXjHtM1Vt+nrTSUwa9thjlcFPBnXEZJQ"
    "WjNr0pW/StpGzuGQBSTNawz4fU5BFiIhIuQ61Ua+EfVQ2Eg+YSotvOWbK2RVGeK6WYpImJ"
    "qCjXmnxMjeIkzS9mf/w/7eifgg=="
)
