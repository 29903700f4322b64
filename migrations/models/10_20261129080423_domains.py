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
    "eUAdxtLUNqK1fDpJweJlIRNSmC149ej8pNQ2EZqZLKVTIlxnLkecnKrNJxOSE3n8VW5Lwl"
    "ObHFb6f36oAof/99EbaStcpE2bkXRXlOlynJqtk5FH57mUJRPoWCMlTLYO23l1iXx3qOoI"
    "rKJWuFRNqxfIqVFg9npbTht2+HKoSyZJaIwvR6gdnqCMu0QyVCfR3PkGAOUKlPJCIklVK5"
    "UiClUJkvOWvnRM0ldZOXypUQlSldiWT/btQYc3nrZrjN6kuMycOOmzzsmPssdklWC8RkBl"
    "Pb4gJl1vY3o16ZtV3xEq9Bi44cZroM8xGVkvxHef7D9zWXX4eoXIc6MFHJSNPsKUzcSFOZ"
    "Py2a1lM+9kT+NDTxaIHWJeNdo1IirKF1BxWHDkAvCXVcUKK9He3oufVFoY5KSZy34yyzEw"
    "4dOi/jvGuN805ZKitAeWjiD25H3ZpOisIbNQ8iyLJXAHefbm56GatjFehGOhMU4bhVUADk"
    "ULT4nghfBj2JCW/UEsjAtkhllsBXt2d5Fi+/Y7jpT6DZOTJK0XNlYF09C4wTQQo2cWVYPf"
    "jdiYoXhTNeL7gatJ7gTCScGshZC01c2dlr0dltax7bKDa7VluHQtab6EK9ie4cw9XYnrOW"
    "g7i4RcT9Nw5QJbCOy0m8ix98VsJR7DeX51enVfd2x2DaNJ19hHVISJ5i3d/xFGt/oS5HDU"
    "alBJwxamcFl0E1gD23+qG6Ah2DvOhePzraWljuwd3GZlvNm23udoM52FwXK//ghsQy2KBu"
    "YSca25gC6J8u7ZZi4D5dDbPG45+vnsB3fo2J7/7C6tcxIIjaRLfSq4pW232RGgyhD4MfHy"
    "2N+lYa9d2I3W5suag+bltFFOJSuZmBhAAHFzcdMCfruAoZJyetW2ndSut2T+s2cDxkW7gR"
    "58R2KzfqGilm6RJj5ZSqp8Z3ivLdRFH8ovV9YBm+RWoBBepggsAUaxQRpIIjXmOMjRsLqc"
    "dgsvaF0s3dGp6xS90xp+qaE8kg7d922r8L9uPLLCl+ewEXk9MCa8lpdk39uOEbjP0S8EaE"
    "RMR4UOjsgkHO2QWDRGigNI5kDKZIkEt7tDF7VNYxbiy+9aCmP4+iyTb6vRib7ea+X82n1v"
    "CPpBnNHisN6JYa0NQdO0XXQa+5gGvfq0LVE1/lVE98layeKE07adqJBLk07aRp1xmUW27a"
    "RbSQYtzFtZRt3oV/aMvCe9t7bEIENPHOTigb6VttlO9hDev67TpZ9yMb/W5WgMiq+5GweA"
    "rlsrnnO7NZdIH0PfNohm5fT7yrAsOhI2mEaenC+wJVNFW4bV9MMYw2aaz7wlQm57fjUI2I"
    "XR1cD7awiHlJvHtCVTzXucsgjdJLqO8AlGCpkZGoSfbN4H0/vfdOJ6JCVEX2ttBp23hpGm"
    "RfhK6dTn41JqKiFDtgfnekoifaiwlVcKbnPjiJxk5Gsylt0+Qxc/sbmo9BT8KCVQlQ/DDm"
    "R/GAqpM7DY+tFOo0NvSymdP4aN8eATvU/ahSJ+cqzCICna3pxDlwl900wBHbfNgTLj3hZ+"
    "xO2DZe4f9QjKWpMaT4v9kvtKF2nIyCrfE5KRTv1tDXXP9+6fyw9rLC4QEhHinsKLWMOjYC"
    "AnpEa4nllFGzTSFNELTSvKHZMAcSAmIsMx87nvl4sFChlnkMai94LF1334jrTsaHtSk+TM"
    "YwCRjDxKmLXsoG3Lnez9t525Z3yK+MVdq+K/XiCeSOVO5IO7sjbVFIWC04m9CyVgabUOfQ"
    "mpfBOiEo4MiupfCjO0ifEcGs010M+tQO5IFrbS4kI3dv2V+cWLu3nQIvZcClDBqQLl4hXL"
    "xhyDJ2mI9FXLx8ozmyyvl4gYVnOlJfYB1M+EkIiLgVNhXDWGAE5oamum5ZZ77ps39iy6lZ"
    "ZLDpF2BqARXPkEVT3LqVdi1r8Xc165ort/ROISol3Lbs/KzAHuH8LHOLwG9Jrv/btBYj+8"
    "IvJma97bIhjEgKqPWOaLnQVlC6dBr3nTq2VDmoQyIS4vJeM9tzpOzpLfP9MR0Du6iXLDTI"
    "ZDGFb9IROUQEK/NeykbRu9PP2yPCoE1rvJHfyk5sz7OLsvdYz4hYqZ949mIVEhFwsarFCc"
    "M/qhIIe80FRLeeOhNZ53H9+nh/l7FzzTyNS8UKBf8DGrY6nDOYBi4HI7JrScRjxkMv+9Ht"
    "CO/gIs0Qa3Ix+/r/BzeNmw=="
)
