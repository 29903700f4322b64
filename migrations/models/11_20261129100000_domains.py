"""Sending domains (docs/domains.md): one row per domain of an organization, with its DKIM
key pair; a message keeps the DKIM-Signature it was first sent with, for its retries. Both dialects: PostgreSQL TIMESTAMPTZ and JSONB, SQLite TIMESTAMP and JSON."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    postgres = db.capabilities.dialect == "postgres"
    return UP.replace("{TS}", "TIMESTAMPTZ" if postgres else "TIMESTAMP").replace("{JSON}", "JSONB" if postgres else "JSON")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


UP = """
        CREATE TABLE IF NOT EXISTS "domains" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "name" VARCHAR(253) NOT NULL,
            "selector" VARCHAR(63) NOT NULL,
            "dkim_public_key" TEXT NOT NULL,
            "dkim_private_key" TEXT NOT NULL,
            "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
            "record_status" {JSON} NOT NULL,
            "created_at" {TS} NOT NULL,
            "verified_at" {TS},
            "checked_at" {TS},
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_domains_org_name" UNIQUE ("organization_id", "name")
        );
        ALTER TABLE "messages" ADD COLUMN "dkim_signature" TEXT;
"""

DOWN = """
        ALTER TABLE "messages" DROP COLUMN "dkim_signature";
        DROP TABLE IF EXISTS "domains";
"""


MODELS_STATE = (
    "eJztXWtz2zbW/isYfVl7RnET2XHSvJ3OyI7buvElazvd7TY7EkRCElYUyYKgFW03//0FeB"
    "HvFCmRFIngSxuTOCD1HBA4eM4Ff/WWhoo062SoKIat0ydjgfTeO/BXT4dLxP6Rer8PetA0"
    "g7v8AoUTzRGAbssR5U2dW3BiUQIVyu5OoWYhdklFlkKwSbHBn9YbAkNHLyheIqBhffEOjJ"
    "8RwdP1GByhJcQagKpKkGUd98GY/R9RdsOElrUyiMqvYf0ZU8QuLtFygog1x+Zxnz9aNRT2"
    "bKzPanvKZ33MWtomu0znCEwxsegLi0JCgbHSEQEeHscn4JOFVPYKCgJHY5v9ewTpmPU7QV"
    "ODIDBGX0zMHsuvnvB3t3X8p40YjjPEeibsF/zxb3YZ6yr6giz/T3MxmmKkqRGlYZV34Fwf"
    "0bXpXLvAs2ud/uS05chMRoqh2Us9aG+u6dzQNwJYp/zqDLFfASniT6DE5trTbU3z1O0r1H"
    "3ZoIn7liEZFU2hrfExwKXdFwiu9Uaju/un0ePV02jUS4wPXyKkTO+SYuh8bLFXtRwAZvwV"
    "Xnw/GJyevhm8PD1/+/rszZvXb1++ZW2d903eevPVfZkALbcrB7Prn6/vnvgLGWwAu+ObX/"
    "jqyEAKXSlHGQH6C/bjk/hfziFJR99vH8Of/bA4/j7aeQrwLwQaCD66JlSwhF9GGtJndM7+"
    "fJsD7m/Dh8tfhg9Hb4+jAN95Nwb8Dkc6QNaZU0ZzaM3L4BuVqgblww7zCMbnZwVAPj/LRJ"
    "nfisLszIZlEN4INDeEe71GwD0dvCyALmuVCa9zL4ovMVijEvD67YVDt+LpQSGI48BW0CS6"
    "79kdvvSnIxyVjOGseqIn/j+6OC2zH6je69ram6pygH+6vr16fBrefuSPW1rWn5qD3/Dpit"
    "8ZOFfXsatH5zEtbToB/7h++gXwP8G/7u+uHHgNi86I88Sg3dO/evydoE2NkW6sRswWC2ZV"
    "/6qPWnS22thNZbUelRRQ6x3Rso9Jrpo9i7msjkNiFSjYG49Sv9Xr1yAzqOP/Qo7BKG0Dk7"
    "0+pojutFS2TLvRtfKsiCFylm2HnCXMEPZpkJJIh0QkwukI8035dJG6MeToJdH+ie3+8Uz/"
    "gNYO5tfsDaGupBl8HhfzyeumW1h/9ceSfzV4RQJXGxIjPMTYT2c/GFF3UA4fL4fvr3qZk0"
    "YFyN7HuhMT4ZTpMh1pPpQnUFmsIFFHkTHN7xgDI3Zl0zZ5azlYxq9AHc4ckPiv4e/uU40m"
    "ZhrrpZGQ7p1+Lv1o4tECrYsSjzoYfrwGTOAEcOsYcA7v8Zfhi8Hrc2BMnT8txHYHFGALWJ"
    "QNKLUPTM22AATW3CAUqNgyNbgGJkFT/OUkyTrW8oiKycHsGX+PyX4H0qT3w9TWFa4d4Ok8"
    "PFitkx80uJyo8Mcfm9mfVrXmZnOFzv9LqMNvLxwV8OplEaxZq0ywnXtRC4d9dKXZwrCM5A"
    "q3coXunFQG4ECirkF8OHxfnRcZxPFtVmgMn8fx5dNgGXT99g1OEBp+Rg3Nx0Wm4+zZODF2"
    "maW5xLpNUxDO9JVFhbb7zDpAE3lus8Grszdnb0/Pzzbess2VPCeZ7xCL4qrCdUlQPQmJaA"
    "qiktnOhlpcZpugZ2Oxk9ajkpL4bDPxqUGLjnZkt+OyUtNt1nQLKO7Wzd7NMrCH5QvbBn6D"
    "hGGgAv6FLF06J6mBC0/4pw8PSNvAmg7+cNNRZ2e1BPLRrR+yLDhDe8J06/YiEEa1ks/BoE"
    "ojoCNDLoeEjo7xrTx0Nibbed4/EpMa+0JZm+R1pPP3cz5f9Ix4iC4fKf8WhCgOYS4eTWxB"
    "XZ0YKTTbhWFoCOrpKglJxfQyYWJ1LVibK81agxf39zcRQ/DiOha5e/fp9uLq4eiVowfWCL"
    "urV3K33X5SvjGLbFCIlh/k0PKDJC0fmohKjOaQVIOj2Z95OjuY2TvMZmlxB78+3t9lBEwH"
    "IvENJVYo+B/QsFUbKxea2Sc21ihm8zl/bG1zeY4aOEQRNfjD+uh2+M/4iL+8ub+I7xp5Bx"
    "fx0R+svSXmmKiUgDNNLQ5AiyIzxX7OHvobgXYMfP48YQb+Ck3mhrEYudEOZQZ/UrJB91au"
    "pamj1Sj6dg3ZnNV7cqWPIRt6cX0MtqnuqPWopNR6W7SeQkUnqCUvSq4kCR2VkgHA20OsJe"
    "MvGf82gV85458yqVSAchDo263ppCi80Yk0gix7BXD36eammDOF2NV5UR5skUa09KS0xpPC"
    "B1auM8UbeUX8KSN/xG+P7b/XEWBoK7azdzOmAOog6AhMDcLrgQCHWDkBlxpkVqoKVpjOAQ"
    "QaghYvE7JAwB8873oxsKt/wmd9rNqIVwDhuQCrOdIBdtICdPSFAvbTHQoUHLmyTvrqmjXD"
    "7Bq/yV6rD1ZwgV7Ypnd5BTFll4+zkgb+CGG7cQy5PqGIj4nN2NR2gHdf0PUwRWW530k6k9"
    "phEfXznEkbXRZVRyDRIO9iIl3lsDWCevWB24pNCKdsOaOYxDozEjYu1lw47Mu6gK44Ftab"
    "gBKQ5rMVgZSATEV3mYkkIQUpRUuTpsxPmd9MWER+L/Hvhc8kox1QTchJaOPQIkKMFM/qE7"
    "PWMrx4voAI5FnerHP1z6d8/9Fm0rm5v/vZbx53KsUGsgyCaTBuQLqDsqeRbjoGpDvoW9R6"
    "IXdQwK+U9AjFBaWLooBXiD2OQoWWxDoqVZMBcbjU6ephdkOmyoEclhHBRpMOTiEgz3FwRj"
    "nYfR1vZXJq2gZ8Ye9bfNFqe52prgK9kxfZ9UDsj/GV30+3Juyi2IYXqu2gerZDBbBeBj11"
    "ytgoimvUytrDNa8Zs8pc848UmTfGTKCpoiHXsw9crvs5hG4hF7RDjPrqrTm3j9i7uVblaQ"
    "/8XhOnPTijwQGgLLe+EZIlb9LylkomyAicGnM6KLCHOB3kHEGQzIvpQghAc7lHlXv/VURT"
    "z9DIdg0FEgLUdmzaNVSerpY0dbto6kL1sOyyHFMgIeCsVTu15BmflXFKYkUY92M7x2Csta"
    "matr9fT9kBhbby2fsebz9cw14npUAJP0bKSSFIBqAWLXIScj6LEozqq0C8SNQuHDTWoJVf"
    "w1FjwSdVFmVfSCJdDGnn5M9R2dIxUSnxPI611I9xql6WRToiJIEuBLRiW8x286fuBNjZZT"
    "QSgu0opyFUHRkZoJf9aYi7B5YBeqJpvUiAngyzOTQXIiNAao0AKeJRT8kCrsK5XoyVapnx"
    "VyjtncJ9QxA8iugJChV7kAg32hMlwUKNZOmEA8evhL66bNrW+ya3MrcjfxYoVjGBGCtgIg"
    "KOPPE+YPLH7/h/LTBl+yh2zzmykL0UWME1YPurx7/fYIoA1FXw0bV72JXkSYjVd5/KKodi"
    "3VivBajkTSsZXdO66BrqjvLCQSBucwEN3FrKox4sEaXdWMs0iY5CnrN/O0QEdNsgryAGWm"
    "ZHtGlvXKcR+p5tj3Fq4S7vTq7xqTptip7CDSy31g9wxbxSWmGA3gFMLfD+w/UtP0kbmBAz"
    "G5IbiibBz2xsOFctBDWvwFbC+KzhGZ/1364/Xj0Mnx7u79iouXxgA+fD1e/HjqW6mkPqWL"
    "Lc7wTe3z0CZY6UBZgatq5mG6/xT8mBPm7CChLX4I0R8cIa5PkhgVvy9WkRt+Tr02y3JL8X"
    "i15mc6RC0yqv5MQvh2QExPm8CMzn2SifJ0BWF3g5Mu2JhpX0+JGcUOakqBCQNx3V7OLoLj"
    "676SAqK5WwS9WhTqRKdL1aIkGKwSzWLLCzI00SgjLSJP8TkJEmMuagUKTJMyKY/Y5d1B4T"
    "ladStye0JKlnZ1+629cdkZRabrOWJQN9aAZasqQCsqRu6EcKSbqJCcnmSIPQk9oTq/xiMd"
    "ud4dFzJg3FqUeubir+x5tHGgjCS7p6EY+WlPXwkuzk60Ls5OscdvJ1etnBsuUr5PmuuwQw"
    "PEPNToH5PVLwEmoZmxNfJm6wukInnnD3xnYOvO+vLq9vhzdHg5f9s1jl5/DUknaChVIqdT"
    "AsI958UYRkz+bYExS7SQwTEYrToiuzGa+olKS7Kqe7ZJ35JuvMhy3I5ESeyz/ERAWkF0Vi"
    "IAhSEH7eSdExUQEVLTCPLKudyxDTNhhvkuDrNsEn6xlXHMtbrp6xzL48cFbYtYqWpkH57v"
    "rBCXropdDOyUb9PAoaB81HbiRFwZDdJ56jRdnHpgLDpoqxRE5ALfh4//gEllBF3jG3OhiH"
    "XukF+y7H4GiBTAoGZ2Bu2MQ6TiaKVdn5Z/2zzvvjiWfYAmyzyvbOrGOsB3lm7LfqFnS3tN"
    "Byrq8MsuBn785spjerDyyDPZ/p2zue87NOEBuJFnXfZNMTjxDmR+5aPG+NX3VHLHDGqRMX"
    "TPmhvgSZGly7T2KGFhubxSOC08qjyeS1ViavlSy7JVKUXgM8O2fBMmytHFM3LCQg0udnRe"
    "KAz7LjgM+Sdc30GSImwWmncuQVNouISagLQO0GMTIQ1RSfRk4t+YhUc8XkBy+7ck4rW2NN"
    "9oQUVPMCSwOZvUj2dtquMni01apoE8lXiN1FX0zMuttBzVHJZtR8gJ26EFqWJKMkGdsEvi"
    "BRhNdL0yD0cm7ri14aqRO63c+lc5yGI4W3LEHk2KZmQBWpvAAPa4J1YGKkIMthXShYskkE"
    "vAK3+AIcebSMx57wne8EWojTI5QnPEN9ncrmVPqEzzpnZxABJjFYHxZQIKdUIBOix9lEyn"
    "+MieOLRn9K/qQb/AlXVYl9kNtaHqaVsgHiEKeNZB2SdUb+qCcRj2VZUzfuqGOA5o1NbyOz"
    "sb/YYnxxfTd8+D09bfQiZeNz8fvT1TCGOZtvSppIgYS0jMpbRt78vqdB5K61v7p9dQzwot"
    "ZQMM7aZwRx5DNNIE8tWw0g9gMLl565fPwNGATcvefkhWeogAnilWJsc+Msogbwj2EBkzWA"
    "wDVBkr6rfTvk/qobvEDAL7zZZ/fY7+HOK0WDbAeset4voCFuGB2NVWbqQDo+/j8w1tEXOi"
    "LGasybz40V+9nEcWMZtP9Zd5xYvK/V3LCQ90SgYtYl90KxJ3Kbi7A+WRcWgAR5b2y9Yw1U"
    "g/8ECCaQKnOnf0iWGnvLTJtra7KJf4hPkL3t/hZhUknc8ShgLomsipBEvfqqCFODLNMItR"
    "y3y0ZCQBPibQF832bC+zbp2WI9lz6vJ5AR4JzOBty0Fv4vGm22DcW30lG55nZ1Nfu0GtlS"
    "h53k/D1L5ZeERGRySeXuMGpQmHLkXeZnsGm/0xfQMt9j1bSGRwCiFJswE9CIjDDTSmWQek"
    "7XEoCGJCSccTi9Q5dKwBmSkHDG4bQW2DRLwRmSkHDG4ZxCZs6WQTMQkGDGwUSEGKSUpRVI"
    "tMPQ4s8TxtBywE1qI7ti5kZAhLz1vKCTOqpk+sRjibkkLCJnk4THziVCE3Dmx1IFUjJcrt"
    "WBVJBStDTTDh7L/F7CIvJ7ydi3yDDTFKjFzS23KCS7aT0qKWtXtnmynGIdW/Od1BwTlXpu"
    "s57l2daizeEpapdnW7cuckrGlB8opjxchNsP2Y55SEsUVYiFiQsCe601FW6MGdZ/glizCe"
    "qlhJ1F7vfzIs803nI0dZuWOG/XZVSBI94HimHrPD6MH5ELFecvcDT2/vXuB7RkrX8cuyeM"
    "OW1UlfAI+KMxNt/9wP9id9NP3q3rQdvjvmR0fTuj6+3Jf1BaDZ2cGK5ApK519nAluU4Lrb"
    "OnOQvtabIqV3lTVlgTtrsmq7tTSRhQhwmTvkXLCSLWHJtpC1bobu5ytdy0q6UAvW0h4mon"
    "ZArKrKtOrAvE0EqFRPrtBdx5VRxwKjnqbNy7yW8U4aglv9F4LVS+/JSEOiQiIS5PIfkL/p"
    "7U0Sevm46BXZQyCg2y7TVOJSsnYKWHWzerr5dquru3ttjtblZgcYLJoXJOgJ8lyBP3VrwG"
    "pV/lEhGwhGvAo3HcBEOA6Tu3oiXi9SqZPcEEsGvjJVilynr/rLNhZvOKnwSwwYN4Xf++Xz"
    "HTS3V0KgWt3fZgbLm5XWNwBMECa5zccp/4Ny9T8rM+Qbx4qPcnhxDAGRs77itiCkxoWWiP"
    "/EUvpy0jhzHtvKyQIefcDxUytvgBQALlPrL/4GdE1uIlP1IjqYfsKE+3dfMRnoehcuqpIa"
    "eUAdxtLUNqK1fDpJweJlIRNSmC149ej8pNQ2EZqZIaVKJgE/MlnF8pe4R9XLQdChIq8XJK"
    "jOXIc2OWMaPickKyA8VMpjybKcHBtNO9eECUv/++CJ3MWmWi7NyLojyny5Rs4uwkF7+9zH"
    "Epn+NCGaplsPbbS6zLYz1HUEXlsulCInL5rHz5pHBWSht++3aoQihTc4koTC/omK2OsEw7"
    "VCLU1/EMCeYAlfpEIkJSKZUrBVIKlfmSb6ycsMakbvJy7RKiMucuUY2hG0XgXMdCM+Rz9T"
    "Xg5GnUTZ5GzZ1Ku2QTBmIyxaxtgZsyrf6bUa9Mq694idegRUeO66AM8xGVkvxHef7DDwYo"
    "vw5RuQ51YKJSF3g5svBMZ/YwSQm3zv62kpLy+yr/fclQ7OwlRNxQbFlgQDStp0y2iQID0M"
    "SjBVqXDAiPSokwx9Yddc91sNwlzSEhKNHejrYXOVoS6qiUxHk7zjJ959C5JTIRotZEiJSl"
    "sgKUhyb+4HbUremkKLxR8yCCLHsFcPfp5qaXsTpWgW6kM0ERjlsFBUAOpVPsifBl0JOY8E"
    "YtgQxsi5QuCnyle9Yv8hKghpv+BJqdI6MUPVcG1tWzwDhtAqOrwerB705UvCic8YLa1aD1"
    "BGci4dRAUmdo4spO74zOblsTPUex2bXaQi2yIEsXCrJ055y6xvactZxUxy0i7j9zgCqBdV"
    "xO4l38ZMAkzrkHAhabVroAb9Xl790xmDZNZ5/xHhKSx7z3dzzm3V+oy1GDUSkBZ4zaWcFl"
    "UC5jz61+qPBGxyAvutePjrYW1kNxt7HZVvNmm7vdYA4218Xqo7ghyQw2qFvYiYY3pgD6x6"
    "+7tUq4T1fDrPH456sn8J1fhOW7v7D6dQwIojbRrfSyu9V2X6RISejD4OerS6O+lUZ9N2Ln"
    "G1suqo+bVxGFuFRubCAhwMneTQdUyULHQsYpSutWWrfSut3Tug0cD9kWbsQ5sd3KjbpGil"
    "m6xFg5ZzlQ4ztF+W6iKP6pDn1gGb5FagEF6mCCwBRrFBGkgiNehI+NGwupx2Cy9oXSzd0a"
    "nrFLYT6nLKETySDt33bavwv248ssKX57AReT0wJryWn2oRNxwzcY+yXgjQiJiPGg0OEeg5"
    "zDPQaJ0EBpHMkYTJEgl/ZoY/aoLPTdWHzrQU1/HkWTbfR7MTbbzX2/mlKt4R9JM5o9VhrQ"
    "LTWgqTt2iq6DXnMB175XhapXvsqpXvkqWb1SmnbStBMJcmnaSdOuMyi33LSLaCHFuItrKd"
    "u8C//QloX3tvdckQho4h0uUjbSt9oo38Ma1vXbdbLuRzb63awAkVX3I2HxFMplcw9AZ7Po"
    "Aul75tEM3b6eeFcFhkNH0gjT0oX3BapoqnDbvphiGG3SWPeFqUzOb8ehGhG7OrgebGER85"
    "J494SqeK5zl0EapZew3wEowVIjI1GT7JvB+356751ORIWoiuxtodO28dI0yL4IXTud/GpM"
    "REVpiZYTRKw5NvfO1/Y7Eheq4NDbfXASjZ2MZlPapslj5vY3NB+DnoQFqxKg+Gnlj+IBVS"
    "d3Gh5bKdRpbOhlM6fx0b49Anao+1GlTs5VmEUEOlvTiXMiNbtpgCO2+bAnXHrCD6GesG28"
    "wv+hGEtTY0jxf7NfaEPtOBkFW+NzUijeraGvuf790vlh7WWFwwNCPFLYUWoZdWwEBPSI1h"
    "LLKaNmm0KaIGileUOzYQ4kBMRYZj52PPPxYKFCLfMY1F7wWLruvhHXnYwPa1N8mIxhEjCG"
    "iVMXvZQNuHO9n7fzti3vkGUZq7R9V+rFE8gdqdyRdnZH2qKQsFpwNqFlrQw2oc6hNS+DdU"
    "JQwJFdS+FHd5A+I4JZp7sY9KkdyAPv2lxIRu7esr84sXZvOwVeyoBLGTQgXbxCuHjDkGXs"
    "MB+LuHj5RnNklfPxAn4wKlJfYB1M+EkIiLgVNhXDWGAE5oamum5ZZ77ps39iy6lZZLDpF2"
    "BqARXPkEVT3LqVdi1r8Xc165ort/ROISol3Lbs/KzAHuH8LHOLwG9Jrv/btBYj+8IvJma9"
    "7bIhjEgKqPWOaLnQVlC6dBr3nTq2VDmoQyIS4vJeM9tzpOzpLfP9MR0Du6iXLDTIZDGFb9"
    "IROUQEK/NeykbRu9PP2yPCoE1rvJHfyk5sz7OLsvdYz4hYqZ949mIVEhFwsarFCcM/qhII"
    "e80FRLeeOhNZ53H9+nh/l7FzzTyNS8UKBf8DGrY6nDOYBi4HI7JrScRjxkMv+9HtCO/gIs"
    "0Qa3Ix+/r/j1KO1Q=="
)
