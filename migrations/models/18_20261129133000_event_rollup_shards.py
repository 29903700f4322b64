"""Event rollup shards (models/events.py `EventRollup.shard`): a key (organization, span,
bucket, type, currency) may have up to 16 rows, summed by every reader. Concurrent ingests of
one organization all add to the same slot and day rows; on one row each waited for the
previous one's commit (its row lock, then its WAL flush), which capped one organization's
single-event ingestion at ~510 requests/s. An ingest now takes the first shard no other
transaction holds (schema/events/rollups.py), so concurrent ones add to different rows; a
quiet organization keeps one row per key (shard 0).

PostgreSQL: the column (0 for the existing rows), and the unique constraint on the five key
columns replaced by the model's on the six (the name Tortoise gives that unique_together). The
table is locked while the new index is built: one row per slot, type and currency, so seconds
at most. SQLite: the column only. It cannot drop a table's constraint without rebuilding the
table, and it needs no shards (one writer): every row there is shard 0, for which the kept
unique constraint on the five columns is the same rule (its ingestion upserts on it).

Downgrade: the shards folded into shard 0 (same sums), then the old constraint and no column.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

KEY = '"organization_id", "span", "bucket", "event_type", "currency"'

UPGRADE_POSTGRES = f"""
        ALTER TABLE "event_rollups" ADD "shard" SMALLINT NOT NULL DEFAULT 0;
        ALTER TABLE "event_rollups" DROP CONSTRAINT "uid_event_rollu_organiz_fc16c3";
        ALTER TABLE "event_rollups" ADD CONSTRAINT "uid_event_rollu_organiz_bef732" UNIQUE ({KEY}, "shard");"""

# Rows of shards 1-15 deleted and added to shard 0 (created where a key had none there).
FOLD_POSTGRES = f"""
        WITH moved AS (DELETE FROM "event_rollups" WHERE "shard" <> 0 RETURNING {KEY}, "events", "valued", "total")
        INSERT INTO "event_rollups" ({KEY}, "shard", "events", "valued", "total")
        SELECT {KEY}, 0, SUM("events"), SUM("valued"), SUM("total") FROM moved GROUP BY {KEY}
        ON CONFLICT ({KEY}, "shard") DO UPDATE SET
            "events" = "event_rollups"."events" + EXCLUDED."events",
            "valued" = "event_rollups"."valued" + EXCLUDED."valued",
            "total" = "event_rollups"."total" + EXCLUDED."total";"""

DOWNGRADE_POSTGRES = FOLD_POSTGRES + f"""
        ALTER TABLE "event_rollups" DROP CONSTRAINT "uid_event_rollu_organiz_bef732";
        ALTER TABLE "event_rollups" ADD CONSTRAINT "uid_event_rollu_organiz_fc16c3" UNIQUE ({KEY});
        ALTER TABLE "event_rollups" DROP COLUMN "shard";"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return UPGRADE_POSTGRES
    return """
        ALTER TABLE "event_rollups" ADD "shard" SMALLINT NOT NULL DEFAULT 0;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return DOWNGRADE_POSTGRES
    return """
        ALTER TABLE "event_rollups" DROP COLUMN "shard";"""


MODELS_STATE = (
    "eJztXWtz2zbW/isYf6k9oziJ7DjZbKczduLuuvWlr+3sbrfekSESlrDirSRoRbvb//7igK"
    "R4p0iJoikEX9qYxAGp54DAwXMu+O+eaevE8A5PNc32LXZvz4i19xH9d8/CJuH/KLw/QHvY"
    "ceK7cIHhsSEEcNByxKCpuIXHHnOxxvjdJ2x4hF/Siae51GHUhqftnSLbIq8YNQkyqDX7iB"
    "6fiUufFo9on5iYGgjruks872CAHvn/CeM3HOx5c9vV4Rq1nikj/KJJzDFxvSl1DgbwaN3W"
    "+LOpNdnaUx6sR97Sd/hlNiXoiboee+Ux7DJkzy3iohCPg0P0xSM6fwWNoP1Hn/97hNkj73"
    "dMnmyXoEfy1aH8sXD1EN7dt+jvPuE4Tgjv2eW/4Ld/8cvU0slX4kV/OrPREyWGnlIa1aED"
    "cX3EFo64dkYnFxb7UbQFZMYjzTZ804rbOws2ta2lALUYXJ0Q/iswI/AE5vqgPcs3jFDdkU"
    "KDl42bBG+ZkNHJE/YNGAMgHbxAfG1vNLq+uR/dnd+PRnu58RFJJJQZXtJsC8YWf1VPADCB"
    "V3j1p+Hw6Oj98M3RyYd3x+/fv/vw5gNvK943f+v9H8HLxGgFXQnMLv5ycX0PL2TzARyMb7"
    "jwh5DBDAdSQhkx+jP+4/P4f5pitxj9qH0Gf/7DsvhHaFcpILoQayD+6LpQgYm/jgxiTdiU"
    "//mhAty/nd5++uvp7f6HgzTA1+GNIdwBpGNkxZwymmJv2gTftFQ7KL/sME9hfHJcA+ST41"
    "KU4VYaZjEbNkF4KdDdEN7b6wTco+GbGujyVqXwintpfF2bN2oAb9ReOnRbnh40lwAOfAXN"
    "o/uZ34GlvxjhtGQGZz0UPYz+sYvTMv+B+o1lLMKpqgL4+4ur87v706tf4HGm5/1uCPxO78"
    "/hzlBcXWSu7p9ktLTsBP394v6vCP5E/7y5Phfw2h6buOKJcbv7f+7BO2Gf2SPLno+4LRbP"
    "qtHVCLX0bLW0m5pqPS0podZ3RMsRJpVqDi3mpjpOiLWg4HA8Kv22r1/bnWCL/gcDBqOiDU"
    "z5+lggutZS2TPtptfK4zqGyHG5HXKcM0P4p+E2RDohohAuRhg25U+zwo0hoJdH+0e++6cT"
    "62eyEJhf8DfEllZk8IVczJewm93C+o9oLEVX41d08XxJYiSHGP/p/AcTFgzK07tPp5/P90"
    "onjRaQvcl0JyfCBdNlMdIwlMdYm82xq49SYxru2EM7c2XZNn/LHJrZK9jCEwES/Bp494hq"
    "dCjX2F4RCRncGVTSjw4dzciiLvFoodNfLhAXOERgHSPg8O7+evpq+O4E2U/iT4/w3QFD1E"
    "Me4wNKHyDH8D2EkTe1XYZ06jkGXiDHJU/062GeddzKI1omB8tn/A0m+zVIk73vn3xLA+2g"
    "UOfJweodfm9gc6zjH37oZn/a1ppbzhWK/zdQR9ReOirg7Zs6WPNWpWCLe2kLh390jdnCpI"
    "ziCldyhcGc1ATgWGJbg/jl8H17UmcQZ7dZiTF8ksUXpsEm6EbtO5wgDPpMOpqP60zH5bNx"
    "buxyS9Okls8KEC71laWFVvvMdoAmCt1mw7fH748/HJ0cL71lyytVTrLIIZbGVceLhqCGEg"
    "rRAkQVs10OtbzMtkue7dlaWk9LKuKzz8SngT02WpPdzsoqTfdZ0z2guHs3e3fLwL4sX9g3"
    "8DskDGMVwBdiBnROXgNnofCPP98SYwlrMfiny452dlbLIZ/e+hHPwxOyIUxXQS8SYbRV8j"
    "keVEUEdGrIVZDQ6TG+kocux2Q1z/tbblLjXyhvk79OLHg/8fmSZwIhujBS/iUJUZzAXD6a"
    "2MOWPrYLaLYz2zYItopVkpDK6GXMxba1YC2vdGsNnt3cXKYMwbOLTOTu9Zers/Pb/bdCD7"
    "wRDVav/G67/6R8ZxbZsBYtP6yg5Yd5Wj4xETUYzQmpDkdzNPPs7GDm7zCZFMUd/HR3c10S"
    "MB2LZDeUVGPof8ig3tZYucTMPvapwSifz+GxW5vLK9QAEKXUEA3r/avTf2RH/KfLm7Psrh"
    "E6OMuO/njtbTDHpKUknGm24gD0GHEK7Ofyob8U6MfAh+dJM/DnZDy17dkoiHZoMvjzkh26"
    "tyotTYvMR+m368jmbN+Tq3wM5dDL62PwHX1Nraclldb7ovUCKjpHLYVRcg1J6LSUCgBeHW"
    "KtGH/F+PcJ/NYZ/4JJpQWU40Df3ZpO6sKbnkhTyPJXQNdfLi/rOVNcvz0vyq0v04hWnpTe"
    "eFJgYFU6U8KRV8efMopG/OrY/huLII625ou9m/2EsIXijtCT7UI9ECSIlUP0ycDcStXRnL"
    "Ipwsgg2IMyITOCosHzcS8DdvtPeLAedZ9ABRDIBZhPiYWoSAuwyFeG+E8XFCjaD2RF+uqC"
    "N6P8GtzkrzVAczwjr3wnvDzHlPHLB2VJA78lsF06hgKfUMrHxGds5gvggxcMPExpWfA7KW"
    "dSPyyiQZUzaanLuuqIJTrkXRxi6QBbJ6i3H7it+a4LlC0winmsSyNhs2LdhcO+2RbQLcfC"
    "hhNQDtJqtiKWkpCp2F1mIk9IYcaI6bCC+an0m0mKqO8l+73ATDJaA9WcnII2Cy1xXbvAs3"
    "rPrbUSL14kIAN5VjXrnP/jvtp/tJx0Lm+u/xI1zzqVMgNZBcF0GDeg3EHl08huOgaUO+hb"
    "1Hotd1DMrzT0CGUFlYuihleIP45hjTXEOi21JQPi5VKn24c5CJlqBnJSRgYbTTk4pYC8ws"
    "GZ5mA3dbw1yanpG/C1vW/ZRavvdaZ2Fei1vMiBB2JzjM+jfnZrwq6LbXKhWg1qaDu0AOun"
    "uKedMjbq4pq2sjZwzRv2pDXX/B0jzqU9kWiq6Mj1HAFX6X5OoFvLBS2I0Ui9W87tc/31XK"
    "vqtAe418VpD2I0CACacutLIVXypihvqWGCjMSpMUfDGnuIo2HFEQT5vJhdCAHoLveode+/"
    "TljhGRrlrqFYQoLajl27hprT1Yqm7hdNXaselt+UY4olJJy1tk4thcZna5ySXBHGg8zOMR"
    "5rfaqmHe3XC3ZAia18+b4n3A9vYa9TUKAEjpESKQT5ANS6RU4SzmdZglEjFcgXiboLB411"
    "aOVv4aix+JNqinIkpJCuh7Q4+XPUtHRMWko+j+NW6seIqpdNkU4JKaBrAa35Hrfdoqk7B3"
    "Z5GY2cYD/KaUhVR0YF6JV/GvLugVWAnmxarxOgp8JsXpoLUREgW40AqeNRL8gCbsO5Xo+V"
    "6pnxVyvtneFNQxBCiugeSxV7kAs32hAlyUKNVOmEF45fSXx15bRt+E2uZG5H0SxQr2KCa8"
    "+RQ1y0H4oPEJc/+Aj/9dAT30fxe+LIQv5SaI4XiO+v7v7vkjKCsKWjXwK7h1/Jn4TYfveF"
    "rHIi1o33WoNKXrZS0TW9i65hwSivHQQSNJfQwN1KedQXS0TpN9YqTWJHIa/Yv71EBHTfIG"
    "8hBlplR/Rpb7xNI/Qz3x7TwsJd4Z1K41MXbeqewo28oNYPCsTCUlpJgD4iyjz0+eeLKzhJ"
    "GzmYchsSDEXHpc98bIirHsFGWGArZ3xu4RkP1t8ufjm/Pb2/vbnmo+bTLR84P5//eiAs1f"
    "kUM2HJgt8Jfb6+Q9qUaDP0ZPuWXm68Zj8lAX3WhJUkriEcI/KFNajzQ2K35LujOm7Jd0fl"
    "bkm4l4le5nOkxooqr1TELydkJMT5pA7MJ+Uon+RA1mfUHDn+2KBacfxIRShzXlQKyLuOag"
    "5wDBaf9XSQllVKWKfq0E6kSux6tUSXaDa3WMvALo80yQmqSJPqT0BFmqiYg1qRJs/Epfx3"
    "rKP2jKg6lbo/oSV5PYt96Xpfd0pSabnPWlYM9Esz0IollZAlDUI/CkjSZUxIOUcah55sPb"
    "EqKhaz2hmePmfS1kQ9cn1Z8T/bPNVAEl4y0It8tKSqh5dnJ9/VYiffVbCT74rLDjYtX6HO"
    "d10ngOEZG34BzJ+JRk1slGxOIpmswRoIHYbCuze2K+D9fP7p4ur0cn/4ZnCcqfycnFqKTr"
    "DQGqUOJmXkmy/qkOzlHHuOYndc2yEuo0XRleWMV1pK0V2t012qznyXdeaTFmR+Iq/kHzKi"
    "EtKLMjEQLtEIfV5L0RlRCRUtMY+sqp2rENM+GG+K4Nttgk/VM245lrdZPWOVffnCWWGCUb"
    "61DcN39soI5/D2YCXtPHJFy5oBuqJvD2m2b3EVifhWzzfhMFvI5Up+wQMEBhjyDJsNgoNv"
    "EaheiETcwADNiMNQYMulgnS39JwHOBmXeGLLSq04v4z/asvDwVYWe+J6wP0GYb/hv/kMsg"
    "hkbN/VCAQOc12zKZzW+0wdGLYudGBhY8Go5iGXwL5Yf0QQm2I6PiOib09kv3noybVN+Ns8"
    "OET3cxt5Dn+Lj+jtu1cmtXhj8aO8B2ufP99doC/3n/gjnzzC4N193gv1EEYmH9DUMcTrvH"
    "2HAlFvwF+Sv8kC/ce2yHcemvJX5hd1vPCCqGRCZvxfLnmwTKwL4fmUb2qDZwaRy/BAIbAP"
    "fSHDtiZozj80e47ASIWH89tCI/z3DILzjIU8srkB+2BhF2KcBWTha0D7MVzELiUe/903Vi"
    "KVj3c4I4vvIP9v4nO7E5nQnL+Tw3eNyOYoII/bLjpgIhB88+rtu0E0MsaBcuDViOsdfOSj"
    "xwoPUUWB2j34mXAQc3IAIW7AImYjnT49EWj8YIm+Kf+keVcgQrA2jQ5QFoc5B7Hg5JnaPv"
    "xW+GVcwSa8ZGJUARQCSPjV0OefEX6wfvcp12D6DXgbHI0WNHchyVH8UPRGIMkVoPFhgl8H"
    "A/F1+MkeOouK45yzRgiMLvj/2NdmhOU9PEnCTjx8s2hzlRkJ9zqpOx4qNo3/nYkNo7zseC"
    "gjU8Hxo+H7kyXw8EcV1HdXp5eXeQ4q/jiasBKxlISExI4QELWYJ+WR6zCl+CWcRuv5Mbrx"
    "67fsMyqtV1Kx8MYy0hzh3Mnim/EzNzR3YhmF+nqoM5vhgvLAld79pczG3v1eKaCGb//oQw"
    "PffmDqNzUfIyFpBnQbxqMi3hXx3ifwJYmsvdCJ6dgM7MJbkeO1V0B65hsNqqhPGjcfBYlj"
    "NQnQeyB3GB9IOrJ9ptmmoM4w+uXm7h4JJk2wYNhCj4lXesXH3CPaFyzk8Dgg4w7ydbHa7P"
    "zBerCgP6izRQWbRVygUlfQnnPbnSHK0MQHni1gERNE2oPlEj62PRa8ybInKIgABJkXEWDB"
    "N4DEyBf8Fr9oIZc4BhCKAU/n8dFen78qOg1CMVK9ZKQanjIgU1JyB2HFtvA0FK5wFQZGUk"
    "hCpE+O65Q9OC4ve3CcP8bBmhDXcWnRIcRV5zikxBTUNaAOcrY5iHoBL1dxdGZKqrutyPDN"
    "ljcjrR2dyddYhz+hANWqPPpYZqOY4n666jsLHla58uuoYvdcCl8dyrtbQ81pyW7U/AKBSV"
    "JoWVE7itrpE/iyUDumY7vs09S3ZntFpE7i9qCSzhENRxq0bEDk+I5hY53oUG+cN6EWcijR"
    "iAgTwgyZfBJBb9EVPUP7IS0Tsiew8x1jDyLB+N8YonwWhWxOq094sICdIS5yXJv34SENWy"
    "LcCVFWEQj0b3ssnAHkd8Wf7AZ/AqpqsA8KWssUytPaBgggLhrJFnYXxWhGEtnUvQUL0ix3"
    "DNCqsRluZJb2F1+Mzy6uT29/La6Sd1aw8Tn79f78NIM5n28amkixhLKMmltG4fy+oUEUrL"
    "U/BX3tGOB1raF4nPXPCALkS02gUC0rDSD+A2tX2v509zdku+j6M5AXoaGCxgRCnH1n6Sxi"
    "NopOnYYAa4wCEyTvu9q0Q/BXXdIZQdE5QwN+j/8ecF5pBqZmWGsbAtEJGEb7jzo3dTB7PP"
    "gzerTIV8hkmD9C86k95z/bFW4smw0eLOHEgr7mU9sj4RORTnmX4IUyg7B8l/cpIr+xS8I3"
    "9j7yBroNPwGjMWbaVPSPXdPgb1lqc62srROdWR4Xqwx+izSVc4LxKGHpHFUENo96+0Vgn2"
    "zXLCLUKtwuSwkJTYgPNfD9UArvh7xni/fc+HjyWEa6yNytuGk9+h8yWm4b6m+l03LSBNh1"
    "HDFqi/dsVE4nIaJq6bTuDisJ4S39DMrCd+t9AT3zPbZNa4QEYFEgeimgKRlpppXWIA2drg"
    "0ATUgoOLNwhmfMN4AzIaHgzMLpzajjNIIzIaHgzML5hLk52wTNWECBmQWTuK7tNrK0Yol+"
    "GFrwPGkMLQFuXhvlBwQtBWQo01kVdLKNQ4Ei4rHBXJIUUbNJzmMXEKE5OKtjqWIpFS7X60"
    "AqzBgxnaK85dLvJSmivpeSfYsKMy2AWt5Smh7D7npaT0uqo3r6PFk+UYt607XUnBFVeu6z"
    "nkPqYw01pyXVHN5jtYdvr2LK+xM5pWLKXyimPHnmYBSynfGQNqghmwkTlwT2rZaQvbQn1P"
    "oRU8N3yV5B2Fnq/qAq8syAlqOnoGnN4LMbi6CAUUVCfLAs9Aq1RLEm/kL7j+G/Pn5PTN76"
    "h8egLKloo+suRMDvP1Ln4/fwF7+bD0rb5oNWx32p6Pp+Rtf743+TopLhFTFcsci21tmXO4"
    "HgqNY6e1Sx0B7ly0o1N2WlNWF312QNdio5A+plwqSviDkmrjelhUXPE3crlytz2W4r5236"
    "HnED7SRMQZV1tRPrgmsbjUIio/YS7rxaDjhVHHU57rvJb9ThqBW/0fnRT7D8NIQ6IaIgbk"
    "4hRQv+htTRl7CbHQO7LmWUGGSrj3RSrJyElR6ugqy+vULTPbi1wm4PsgLrE0yCyjlEUZYg"
    "JO7NoQZlVOWSuOJ4GYjGCRIMEWUfg4qWBOpVwqlC8ykNbLwcq9Ra73AgDPGh4qeL+OAhcI"
    "zpIKqYGaY6ikpBi6A9evSC3K5HtI/RjBpAbgVP/C7MlHywxnDeEAn/BAgRnvCxE7wiZcjB"
    "nkc2yF8Mc9pKchjhalYiYciJ+4lz2zw4XUGi3Ef+HwoHNsmX/MjsvB7KozyD1t1HeL4Mlb"
    "OdGnJaE8CD1iqktnU1jJvpYawUsSVFQP3oxajZNJSUUSrZgko06lBYwuFKozSAAtF+KEiq"
    "xEs4ZXIUujGbmFFZOSnZgXomU5XNlD9QpZfuxRdE+U9/qkMn81alKIt7aZSnzCzIJi5Pco"
    "naqxyX5jkujKPaBOuovcK6OdbT4PTaJstoQkQtn60vnwxPGmkjat8PVUhlapqE4eKCjuXq"
    "SMr0QyVSfR3P2KUAUKNPJCWklNK6UjBjWJuasLESYY153VTl2uVEVc5drhrDbhSBCxwL3Z"
    "DP7deA87Clj+2veZTPbNsg2CoBOpbKVvDlYtuCenml4wq+NzeXqdnj7CJrYn65OjvnwGeO"
    "Ay0Y0sRaK5swFlMpZn0L3FRp9d+MelVafctLvIE9NhKugybMR1pK8R/N+Y8oGKD5OsTUOr"
    "QDE5Vvef4YUBgXxFpXWnYZSWXdNbDuIFxqNrIdUlQRtRL1jOR6qO/O99Q65ppBtcL81tWg"
    "x6IK9dqol4zxUiuobGQrE2ivbOiWF0QtG7AKTA6hy01DGG1rlnPJiSs7p892TqAw8UVsoP"
    "C0vNJ4nzWuz6g58ujEwiwsmlB315iXVDvH5jtHlWRYvpjJm2SoSmfJpvWCyTZXOgs7dDQj"
    "i4apjmkpGebYbeeTgg7MdRJ4c4IK7dVohzlRDaFOSymcV+OsEtNfOmtapfhuNcW3YKlsAe"
    "VTh/4cdLRb00ldeNPmQQpZ/gro+svl5V7J6tgGuqnOJEU4axXUADmRKLwhwp/inuSEN20J"
    "lGBbnv5fFEC4YWXOMLX/dNmfRLNzapTylZP/zvYQO1/2Jy1iz+2B9SwxTsskyXawuo26kx"
    "UvhidwuE47aN3jiUw4dVDgJTHVl5d6Sa8HK4u+jDLrUbtFG1Vxxl0ozrg7Z1Z3tkvfyqnV"
    "YENCLJ0AqgHWWTmFd/1TwvM4Vx4OXm9a2QV42w5YCcZg0TRtYXdROXALQF2ewb5jsFbNvW"
    "EG2dLFw4fm2cX16e2vxZ7Xs4KMs7Nf789Pc5mZwULdjExNS0k4Y2ydRzXj0nkbkiOJInw7"
    "BnlddiQ92npYGzGx5y83ndPEwGrTOUNM1CudCHFmaB/qD4pIVI4+cuhXYqA59tATYdqU6A"
    "dQsFDEJ0EdQtEOTtmg1ixoZRuGPRfNnpDIvs6VUGz9KQ9W+KsHaE7ZFM2ndtQPFD2E9tiF"
    "/8EzoeLqq1M+1hlixDDghI+pz1X0OECPjmt/XcA/TL7toBapfeLHb8kvkg+0wlKI/JeKId"
    "i45KHabXS124hUVHcli9pLuIa1XAredxuV7Qmby+DV7joeDk9EFr+Bm5X9yoipEb1qRAvA"
    "GiPcLbZ7e50gO6xVT21YUU9tmK+npk4SkjJcWm0ZVbSTTJCraKc+RDspQkQmQuR5BRfyXJ"
    "8GeW7GgAT1moBwsDwqSoUBwYDC7oKDHMCIMChv/PiX83v0Ojqh4vV/qf7HI3IJ813LKz6T"
    "tN3u1+AlFO/QS95hNwqLdbYyt19UTCcM00YMRCwhwXatcw5C7d3U3k3t3ZLTlXL3Kes2E4"
    "lZbuGmojVXW7npWNF6lq5rz8VB98x+rWmvx5oWHXk/QJ4dWaQe0rCFxgQ9UYMRl+hoH04o"
    "4+PGA+fbeBEJFZu7W3jGOqeWiTPbRDKMsn/7af8qv9tyMTmqsZYclS4lR1nDNx77DeBNCc"
    "mI8bDOis1bleM8zPGtyjhSxLZMkCt7tDN7VJ2C3JnT4EVNf0grKjf6w6Sj1eZ+dNTMVvNh"
    "8mY0f6wyoHtqQLNg7NRdB8PmEq59b2uForytCEV5mw9FUaadMu1kglyZdsq02xmUe27apb"
    "RQYNxltVRu3iV/aM/yncun3TZn2tV2XOIItxDeFGiH3xvYHOv4h60d6badBbDcrmua+txu"
    "2vPLGtbbt+tU6dhy9HeziGid0rEvfCjGWppeXtnZAxpe/FiMbwj3nH1fbholYnY0cfIntx"
    "lmxV9GgzI6p0Ff99BVDdX0M2Orut5QWDVwU6Dq1lbs2/pQD6Nl3b9NYWpSJHHHoRq5fntw"
    "3frSIhZWPdwQqvrFIXcZpFHxafZrACVZZbRUjDD/Zuimn95n0YmsELVRvFHqqo0CoJFrG4"
    "bvtIHTrehJVrSo6djupuPpQnTykz2WFSWTmGPielO66Yi6WnYkL1RBSOmmOMnmuUjPUapm"
    "cUPEPN9xIAJ5843MXdyTtGC1AhSUabqTG6g5GU9tewauLPpMXLrptPX3oL/PQXfSkgoRbM"
    "TSHZtuPImFqJ2HvcmE2jbdnsmJrMDrmZnnyp2e2al1dfLKqRUlhIh06aQDEFnc/naRx4cG"
    "v2mj/cTZ4foAjW3f0uAfmm06BkcK/s1/oY+Ng3wCyxafU+CdXZm1Uhma1zi1u78O3eSAkM"
    "+fK5TaRB1LAQmDmbaShqESXrpC2iXYKwpkKoc5lpAQY1W0YMeLFrxYlG/P3J9bP+5SRd18"
    "g1E3KrT7pUO7VfixhOHHwJPtFWzAxfVB1c7b5y1UmHHNXWkYHKV2pGpHurM70h5Fc28FZw"
    "d73tzmE+oUe9MmWOcEJRzZWznEKhik4Lvgna5j0Bd20IJd37Md1Y6Y8REmlXa82r2Vf3Fy"
    "7d7WiiJX0eMqpkfFE0jh4k1CVrLDvKvj4oWN5shr5uNFHp1YRH9FLTSGU52JGxTH1mx7Rg"
    "ma2oYeuGXFfDPg/6SeKDdo8+kXUeYhnU6Ixwrcuq12rc4V3tWCKaDcxjuFtJR027KT4xp7"
    "hJPj0i0C3FJc/7dpLab2hV8dyntbZ0OYkpRQ6zui5VpbQeXS6dx3KmypZlAnRBTEzb1mfu"
    "hI2dBbFvljdgzsul6yxCBTdZC+SUdkNvq8YMdYEKBevmssjo6vV9teZOFBYK4Nf4SR3R8R"
    "V7cvwnINzI0HHUGZeZdw7YijpWckPokJ7fMXe83nGGoR77VBMN++HjqLgijh7T+uTqnO+D"
    "QgnTeFA6bhAGqSiGlPmNOyRAqHI0RGn6zIIm2mjaSMWudrmFIBYAKjxjBHUgroGkA7eGHY"
    "uGAw/3R3c13mkV2KZPeAVGPof3z+9HY4VacIWgAjtfHLhbRmo1cH6R0ddJANad2Nc+X2HL"
    "5SAWydDPAtxGkHa24O5WqqI5ZSNEevaQ7MGDGdojzDUq4+KbKasW9Ln2+29f0EjP3w7fH7"
    "4w9HJ8dLon55pYqfz5eCM7DHRs2TGzJiKsOhcYaDYuO/iQkr3DKvpeisrArG6rOmfUdf84"
    "NOS6oPutdqjoicppRAWkxtVtUJFH2BXKUpvZR3oGheaQFmecuoZJHOzKo99MEslVDug0nq"
    "abUPJlVqp1aFFt6YTLjybfc7D325vRTODwiqC30lMGsgypBLNMLtTQ/tg4JeLyl9Uy+uyN"
    "JWv+ucf6ZcKD1bRAYVLhTfbZTUFjaXcL0evjn+UCfzhzcrT/0RN7PFKeKXawB0RkwCEicL"
    "d52hPaw4p2SYP6ekrOxuuQMllujef5KYZsY+NRi1vEN43tbmls69KoQvBQVGU4VXZSkh4Q"
    "zTftQwseCHF8XHVx0TkpDq8ISQaJXdqQNCFClcb5zLG6KtmEPZtF7AJOZy6RS7pditPoHf"
    "Yexrzj2m6i2/TFrpKYdem+4VcFPhnUEVJYXjNr0pW/StpGxuGABSTtbwz8dryCMkRCRchr"
    "ZSrQU+qgYIh80lRHc7Z8naFiNFrpRykiYhoqJcG/IxDYqTtL+Y/fH/gVd++A=="
)
