"""Open and click tracking (docs/tracking.md): the organization's defaults, what each message
asked for and its counters, and one row per recorded open or click. Both dialects."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    postgres = db.capabilities.dialect == "postgres"
    sql = UP.replace("{TS}", "TIMESTAMPTZ" if postgres else "TIMESTAMP").replace("{BOOL}", "BOOL" if postgres else "INT")
    sql = sql.replace("{FALSE}", "FALSE" if postgres else "0")
    return sql.replace("{SERIAL}", "BIGSERIAL NOT NULL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


UP = """
        CREATE TABLE IF NOT EXISTS "message_engagements" (
            "id" {SERIAL},
            "kind" VARCHAR(8) NOT NULL,
            "url" TEXT,
            "agent_class" VARCHAR(8) NOT NULL,
            "agent" VARCHAR(200) NOT NULL,
            "at" {TS} NOT NULL,
            "message_id" VARCHAR(40) NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS "idx_message_engagements_message" ON "message_engagements" ("message_id", "id");
        CREATE INDEX IF NOT EXISTS "idx_message_engagements_org_kind_at" ON "message_engagements" ("organization_id", "kind", "at");
        ALTER TABLE "messages" ADD COLUMN "track_opens" {BOOL};
        ALTER TABLE "messages" ADD COLUMN "track_clicks" {BOOL};
        ALTER TABLE "messages" ADD COLUMN "opens" INT NOT NULL DEFAULT 0;
        ALTER TABLE "messages" ADD COLUMN "clicks" INT NOT NULL DEFAULT 0;
        ALTER TABLE "messages" ADD COLUMN "first_opened_at" {TS};
        ALTER TABLE "messages" ADD COLUMN "first_clicked_at" {TS};
        ALTER TABLE "organizations" ADD COLUMN "track_opens" {BOOL} NOT NULL DEFAULT {FALSE};
        ALTER TABLE "organizations" ADD COLUMN "track_clicks" {BOOL} NOT NULL DEFAULT {FALSE};
"""

DOWN = """
        ALTER TABLE "organizations" DROP COLUMN "track_clicks";
        ALTER TABLE "organizations" DROP COLUMN "track_opens";
        ALTER TABLE "messages" DROP COLUMN "first_clicked_at";
        ALTER TABLE "messages" DROP COLUMN "first_opened_at";
        ALTER TABLE "messages" DROP COLUMN "clicks";
        ALTER TABLE "messages" DROP COLUMN "opens";
        ALTER TABLE "messages" DROP COLUMN "track_clicks";
        ALTER TABLE "messages" DROP COLUMN "track_opens";
        DROP TABLE IF EXISTS "message_engagements";
"""


MODELS_STATE = (
    "eJztXW1z2za2/isYfbn2jJImsuOmuZ3OyInbdevYXdvt3W6zI0EkLGFFkSwJWtF2+98vAJ"
    "LiO0VIJEUi+NI6JA5IPecQOO/4c7CydGS4L8eaZnkmebSWyBy8A38OTLhC9I/c+0MwgLYd"
    "3WUXCJwZnAD6IyeEDeW34MwlDtQIvfsEDRfRSzpyNQfbBFvsaYMxsEz0guAVAgY2l+/A9B"
    "k5+GkzBSdoBbEBoK47yHVPh2BK/48IvWFD111bjs6uYfMZE0QvrtBqhhx3ge3TIXu0bmn0"
    "2dicN/aUT+aUjvRsepksEHjCjkteuAQ6BFhrEzkgwOP0JfjFRTp9BQ2Bk6lH/55AMqXzzt"
    "CT5SAwRZ9tTB/Lrr5k7+6Z+A8PURzniM7s0F/w+7/oZWzq6DNyw3/ay8kTRoaeYBrW2QT8"
    "+oRsbH7tEs+vTfI9H8uQmU00y/BWZjTe3pCFZW4JsEnY1TmivwISxJ5AHI9xz/QMI2B3yF"
    "D/ZaMh/lvGaHT0BD2DyQCj9l8gujaYTG7vHicPV4+TySAjHyFFjJnBJc0ymWzRV3U5AHP2"
    "Ci++GY3Ozr4evTq7ePvm/Ouv37x99ZaO5e+bvfX1X/7LRGj5U3HMrn+4vn1kL2RRAfblm1"
    "34i9NAAn0qzowI/SX98Vn83y+gk49+OD6FP/1hafxDtMsYEF6IOBB9dG2wYAU/TwxkzsmC"
    "/vNtCbi/ju/f/218f/L2NAnwbXBjxO4wpCNk+ZoyWUB3IYJvkqoelI8r5gmML84rgHxxXo"
    "gyu5WEma+GIghvCdoT4cGgFXDPRq8qoEtHFcLL7yXxdSw6SADecLx06Na8PGgOYjjQHTSL"
    "7gd6h239+QgnKVM46wHpy/CPPi7L9Afqd6axCZaqEuAfrz9ePTyOP/7MHrdy3T8Mjt/48Y"
    "rdGfGrm9TVk4sUl7aTgP+7fvwbYP8E/7y7veLwWi6ZO/yJ0bjHfw7YO0GPWBPTWk+oLhat"
    "quHVELXkarXVm0S5nqSUkOs94XKISSmbA41ZlMcxshoYHMij4m/9/LWcOTTxfyDDYJJnwB"
    "Tvjzmke22VHeNucq88r6KInBfrIecZNYR+Go4g0jEShXA+wswof1rmGoYMvSza31PrH8/N"
    "n9CGY35N3xCaWp7CF/hifgmm6RfWf4WyFF6NXtGB660TIy5i9KfTH4yIL5Tjh/fjD1eDwk"
    "WjBmTvUtPJiXDOcpmPNBPlGdSWa+jok4RMszvWyEpd2Y7N3lqNVukr0IRzDhL7NezdQ1ej"
    "jSnHBnlOSP/OsNT9aOPJEm2qOh5NMP75GlCCl4Bpx4D58B7+Nn4xenMBrCf+TxdR64AA7A"
    "KXUIHSh8A2PBdA4C4shwAdu7YBN8B20BP+/DLrdWzkETU7B4tX/AMW+z2cJoNvnzxTY9wB"
    "Ac/jwuq+/NaAq5kOv/uuHfu0rj232FfI/y/AjnC8dK6A16+qYE1HFYLN7yU1HPrRCXsL4z"
    "TKV7jTV+ivSSIARxRNCfHx8H19UUWI02ZWTIYv0viyZVAE3XB8iwuEgZ9RS+txleW4eDXO"
    "yC7VNFfY9EgOwoWxsiTR7phZD9xEQdhs9Pr86/O3Zxfn22jZ9kpZkCwMiCVx1eFGENSAQi"
    "Gag6jybBdDLa9n20HP1nIvricpleOzy45PA7pksqd3O02rON1lTnfAxd251btdD+xx/YVd"
    "A79Fh2HEAvaFrHx3TpYDlwHx9z/dI2MLaz744+1EvV3VMsgnTT/kunCODoTpoz+LRBg16n"
    "yOhCrPAZ0QuRIndFLGd/qhizHZ7ef9PbOo0S+UjsleRyZ7P/75omfEUnSZpPxLEkdxDHP5"
    "3MQuNPWZleNmu7QsA0EznyUxqhRfZpSsqQ1re6VdbfDy7u4moQheXqcyd29/+Xh5dX/ymv"
    "OBDsL+7pW1trvvlG9NIxtVcsuPStzyo6xbPrYQCUhzjKpFaQ5Xnt4KM32H+Twv7+DHh7vb"
    "goTpiCRtUGKNgP8CA7uNeeViK/vMwwbBdD1nj21sLS9hA4MowYZQrE8+jv+Rlvj3N3eXaa"
    "uRTXCZlv5o7xVYY5JUEq40jQQAXYLsHP25WPS3BN0QfPY8aQR/jWYLy1pO/GwHEeHPUrYY"
    "3irVNE20niTfriWds/5IrooxFEMvb4zBs/U9uZ6kVFzvCtdzXNEZ11KQJSfohE5SqQTg3S"
    "nWyuOvPP5dAr92j3/OolIDylGib7+Wk6rwJhfSBLL0FcDtLzc31YIpjldfFOXek0miVSSl"
    "M5EUJlilwZRA8qrEUyahxO/O7b8zEaBoax633awnAE0QTQSeLIf1AwHcsfISvDcg1VJ1sM"
    "ZkASAwEHRZm5AlAqHwvBukwK7/CZ/Mqe4h1gGE1QKsF8gEmJcFmOgzAfSncxcoOPFpefnq"
    "hg7D9Bq7SV9rCNZwiV54dnB5DTGhl0+LigZ+j2G7DQz5MaFEjImu2MTjwPsv6EeYkrQs7q"
    "SCSd3QiIZlwaQtL6uyI6Jo0e9iI1NnsLWCev2J25rnOMxlyzyKWawLM2HTZO2lw75qCuia"
    "c2GDBSgDabm3IqKS0FPRX89E1iEFCUErm+SsT4XfTJxEfS/p74WtJJM9UM3QKWjT0CLHsX"
    "Iiq49UWyuI4oUEMjjPyladq388lsePtovOzd3tD+HwdFApJcgqCabFvAEVDipeRvoZGFDh"
    "oC+R65XCQZF/RTAilCZUIYoKUSH6OAI1Ioh1kqohBeJ4pdP1w+ynTImBHKeRQUdTAU4pIC"
    "8JcCZ9sIcG3kRqaroGfOXoW3rT6nqfqb4CvVcU2Y9AHI7xVThPvxbsqtjGN6rdoAa6Qw2w"
    "vo9m6pWyURXXpJZ1QGjesOa1heYfCLJvrLlES0VLoecQuNLwcwzdSiFo7hgN2dtwbZ/j7R"
    "daVac9sHttnPbApYEDIOpb3xKpljd5dUuCBTISl8acjSrYEGejkiMIsnUxfUgBaK/2qPbo"
    "v45I7hkaxaGhiEKC3o5th4bE3dXKTd0tN3WlflieqI8popBw1WrctRQon7X5lOTKMB6mLM"
    "dI1rrUTTu013MsoJgpX2z3BPZwA7ZOToMSdowULyHIJqBWbXISCz7LkowaskC+TNQ+HDTW"
    "opbfwFFj0SclinJIpJCuhjQ/+XMi2jomSSVfxLGR/jG866Uo0gkiBXQloDXPpbpbuHRnwC"
    "5uo5Eh7EY7Dan6yKgEveJPQ14bWCXoycb1Kgl6Ks3m2L4QlQHSaAZIlYh6ThVwHcH1al6p"
    "jil/lcreCTw0BSFwET1CqXIPMulGB6IkWaqRap1w5PyV2FdX7LYNvsmdnttJuApU65jgWG"
    "tgIwecBORDQOlP37H/uuCJ2lH0Hj+ykL4UWMMNoPbVw99vMEEAmjr42dd76JXsSYj1T5/r"
    "VY7lutFZK7iSt6NUdk3nsmuIL+WVk0D84RIquI20Rz1aIUq3sVZlEj2FvMR+O0YGdNcgry"
    "EHWlVHdMk2blIJ/UDNY5zbuCu4U6p86nxM1VO4gev3+gE+WdBKKw7QO4CJCz78dP2RnaQN"
    "bIipDskURdvBz1Q2+FUXQSNosJVRPht4xifz1+ufr+7Hj/d3t1Rq3t9Twfnp6rdTrqmuF5"
    "BwTZbFncCH2wegLZC2BE+WZ+rFymv6U+LQp1VYSfIaAhmRL61BnR8ShSXfnFUJS745Kw5L"
    "snup7GW6Rmokr/NKSf5yjEZCnC+qwHxRjPJFBmR9iVcT25sZWMvPHylJZc6SSgF521nNPo"
    "7+5rMfD5K0ign7dB3qRalE37slOkizqMZaBHZxpkmGUGWalH8CKtNE5RxUyjR5Rg6mv2Mf"
    "tqdI1anU3UktyfKZ26X7fd0JSsXlLnNZeaCP7YFWXlIJvaR+6keOk3SbE1LsI41STxovrA"
    "qbxewOhifPmbQ03o9c33b8Tw9PDJDEL+nzRT63pOqHl/VOvqnknXxT4p18k992ULR9hTrf"
    "dZ8EhmdoeDkwf0AaXkGjwDgJadIKq0/0MiDun2yXwPvh6v31x/HNyejV8DzV+Tm+tOSdYK"
    "EJlQ7GaeRbL6o42Yt97BkXu+1YNnIIzsuuLPZ4JamUu6t2d5fqM99mn/m4BpldyEv9DylS"
    "Cd2LMnkgHKQh/LwXo1OkEjJaYj+y6nauUky7oLwpB1+/HXyqn3HNubxi/YxV9eWRq8Kudb"
    "SyLcKs63ue9DDIcTtnBw3LXNA4Gj7xMykqpuw+shotQj82HVge0awV4gm14Oe7h0ewgjoK"
    "jrk1wTT2Si/odzkFJ0tkEzA6BwvLc9zTbKFYnZN/Mj+ZbD5WeIZdQI1VajvTibEZ1ZnR32"
    "q60Ddpocuvry1nyc7enXuUb+4QuBZ9PuV3cDznJ9NBVBJd4r/JdiaWIcyO3HVZ3Rq76kss"
    "4HLK84IJO9TXQbYBN/6TqKJFZbN6RnBeezRVvNbJ4jXBtlsyZem14GdnXrACXatE1Y0TSY"
    "j0xXmVPODz4jzg82xfM3OOHNvBeadylDU2S5ApqCtA7ScxUhD1nJhGSS/5BFV7zeRHr/py"
    "TivdY236hBxUyxJLI5qDnOzd1F1V8minWdElJ18l7y76bGM63R5sTlK2w+YjWOpScFk5GZ"
    "WTsUvgS5JFeL2yLYe8X3jmcpDn1IndHpa6c/jAicZGCjhyPNuwoI501oCHDsEmsDHSkMu9"
    "LgSs6CICXoOP+BKcBG6ZwHvCLN8ZdBFzjxBW8AzNTa43p9YnfDKZdwY5wHYsOocLNMhcKp"
    "ASkdNiR8q/rRmPRaM/lP+kH/4TxioBO8gfrQ7TyjGAGMR5kmxCZ1NQPxpQpHNZNsTPO+oZ"
    "oGWyGRgyW/2LbsaX17fj+9/yy0Yvcwyfy98er8YpzOl6I6giRRRKMxLXjIL1/UCFyN9rf/"
    "Tn6hngVbWhSM66pwQx5AtVoIAtOxUg+gMrt555//ArsBxw+4E5LwJFBcwQ6xTj2dtgEbFA"
    "eAwLmG0ABL4Kko1dHTohi1fd4CUCYePNIb1Hfw8LXmkGpBawHkS/gIGYYnQy1amqA8n09H"
    "/B1ESfycSx1lM2fGGt6c92eBjLIsNPJg9isbnWC8tFwROBjumULApFn8h0LofOSadwAXRQ"
    "8MbuOzpAt9hPgGAGibbg80NnZdC3LNS5dhabhIf4RNXb/m+RppTEl0cJa0lUV4Qs6vV3RX"
    "iynFWeQ60k7LKlkFCFeFsB37eF8L7NRrbozMLn9UQ0EpzT2UKY1sX/QZOt2VDdlE7StWfV"
    "NRzTasWkjgfJ2XsK1ZfESFRxSe3hMGIRmHPkXeFnsB2/1xfQsdhj3W6NwAGIcnTCQkATNN"
    "IsK7VBGgRdBQCNUSg403AGhy4JwBmjUHCm4XSX2LaF4IxRKDjTcD5Bqs6KoBkRKDDTYCLH"
    "sRwhTSui6IaixZ4njaLFwc1yo7hj5pZAhrr1sqSTJrpkho5HgbUkTqJWk0zEzneEZuAsz6"
    "WKqFS6XKcTqSAhaGXnHTxW+L3ESdT3UmC3qDTTHKjlrS13CXT243qSUvWu7PJi+YRN7C72"
    "YnOKVPG5y3xWZ1vLtobnsF2dbd25zCmVU36knPJ4E+4wZTsVIRVoqpBKE5cE9kZ7KtxYc2"
    "x+D7HhOWiQk3aWuD8syzwz2MjJkz9U4Lxd36MKOPkQaJZnsvwwdkQu1Pi/wMk0+Ovdt2hF"
    "R3839U8Y42N03WEZ8CdTbL/7lv2L3s0/ebepB+3O+1LZ9d3Mrvdm/0Z5PXRKcrgikqb22e"
    "O15DqrtM+elWy0Z9muXOKqrLQqbH9VVt9SyShQx0mT/ohWM+S4C2znbVixu6Xb1Wo7rpEG"
    "9J6LHJ87MVVQVV31Yl9wLEMoJTIcL6HlVXPCqfJRF+PeT/9GFR+18m+03guVbT+CUMdIFM"
    "TiLqRwwz/QdfRLME3PwK7qMooJ2e4ep8orJ2Gnh49+Vd8gV3X3b+3Q2/2qwOoOJu7KeQnC"
    "KkFWuLdmPSjDLpfIASu4ASwbxy8wBJi88ztaItavkuoTlAD7Ol7Gq1Tb7J9MKmYe6/jpAC"
    "o8iPX1H4YdM4NSR94paOOPB1PXr+2aghMIlthgzi3/if8TVEp+MmeINQ8N/skgBHBOZcd/"
    "RUyADV0XHVC/GNS0FdQw5p2XFVPk+P1YI2OXHQAkUe0j/Q9+Rs5GvuJHYmX5UJzl6Y9uP8"
    "PzOK6cZnrIaSKA+6NVSm3tbJiJ8WGmGNEQI1j/6M1EbBmK0yiWNMASDduYbeHsiugR9mnS"
    "bjBIqsLLJ8daTYIwpogalaaT0jtQTWUq05kyPphuhhePiPI331RxJ9NRhSjze0mUF2SVU0"
    "1cXOQSjlc1LuI1LoSiKoJ1OF5hLY71AkEdiVXTxUjU9ln79kngXIgb4fhusEIqVXOFCMxv"
    "6FjMjjhNN1gi1dfxDB3MABL6RBJEiim1MwUSArXFihlWPK0xy5uyWrsMqaq5y3Rj6EcTOD"
    "+w0I7zuf4ecOo06jZPo2ZBpX2qCSMyVWLWtcRNVVb/xbBXldXXvMUb0CUTHjoQ8XwkqZT/"
    "Q9z/ESYDiO9DRO1DPVioWOLOcmLZKPck5TLNLkW5n3bXH87WqNv5yGkG1nIrLXeDHpEq1C"
    "ujXiDjhftxkWSrzXhQJLrFrTmLBFaBSSF0qJLCpG3PxiIZcrXjdnnH9RnGv4gDGJ6kVxzv"
    "Msf1JV5NXDw3IQnK96vaL1lKZcOI2zCq3K14M5O33E01cZKN6zmLbaaJE7TxZIk2gkV3SS"
    "oZ1timKxsZD1b7lJJmCBXau9EOqnMEoU5SKZx346xKpI9dv6uKTRstNs3ZKmtAeWzjn/yJ"
    "+rWcVIU3qR4kkKWvAG5/ubkZFOyOdaCbmExShNNaQQWQYyWrByL8PppJTniTmkABtsWF6H"
    "mpbAf2iAyKzMfb+SRanRNSSndO+jvrQ+xqO5+0iD3XB9azxDhty/Xqweo+nE5WvAics2Ne"
    "6kHrEc5lwqmFViOxpb646UhyP9jZfmSS2o/qbR+o2gT2oU1gf05Pbs1Kb+T8ZKZDsqwuDp"
    "QA1mk6hXf186qzOJceU11tWekDvHUnrPgymLdMm9DZlApuDqjb08B7BmvZ2hvUMm1DPFQ0"
    "L69vx/e/5UdeL3Nqny5/e7waZ2oE/Y1azJmapJJwxWjcj7qKmrgd6ByJtYPrGeRVvSNJae"
    "tgl76YzV+sOicdA7tV55RjoloTP5ZnBk5YJzyeiUrRBzb+jAywhi54QkRbIP2Utc7j+Ums"
    "Ix4fx857wObSH2UZhrXmw54ArwPONPOr/SmfzOBXD8EakwVYL6xwHtZ+j42HDvsfeybr/f"
    "liTGWdAIIMg501sfAoi6ZDMLUd6/OG/bGiZgc2UeWzJ36Pf5FU0HKb8tFfykVQuPmesjba"
    "sjZCFlXdycLxEu5hNTcl9xyhBjLBcBmi2m3nw8E5ryc3oFgDqhSZkuhdEs0BE0a4XWwHg1"
    "aQHVXq7DUq6ew1ynb2UmfaSJkurUxGle0kE+Qq26kL2U7KISKTQ+R5hy/kubob5FnMA+J3"
    "DmIOB9PFvGkVczCAYDr/SAGmRBiYDp7+cPUIvgrPSvjqT6z/NQUOIp5juvmnY9Y7/R5+Ce"
    "V36KTfoR8trlrbmetvb6UjArGQByKikMBca90HoWw3Zbsp2y2+XKlwn9JuU5mYxRpuIltz"
    "t5abzBWtpuk61pofuU6srzTtq5mmhYevD4FrhRqpCzRoghkCT9ggyEE6OGFnZVG5cVnwbb"
    "YJifLV3Qaesc/5Wfz0MF4Mo/Tfbuq/Ku4WnQ9fYS85Kz4bPq34RrIvAG+CSEaMR1V2bDqq"
    "GOdRxt+qlCPl2JYJcqWPtqaPqvN4WwsaHFX1Z2VFxUp/UHS0W90PDz1ptB4mq0bTxyoFuq"
    "MKNPFlp+o+GAyXcO97XSkV5XVJKsrrbCqKUu2UaicT5Eq1U6pdb1DuuGqX4EKOcpfmUrF6"
    "F/+hHat3Ll5261xpd+txscPEAngToL381oCrmQ6/a+xwsWY2wGK9TrT0ud6y5+Mq1s3rda"
    "p1bDH6/WwiWqV17JEPxdiL09srvT2g4ejHYnxBuGf0+2LVKJazo/EzKKnOsMz/MgTa6Iz9"
    "uR7ZVBVY082KrfJ+Q0HXwEOBqtpbsWv7QzWMtn3/DoVJpEliz6GaOF59cN170iIWdD08EK"
    "rqzSH7DNIk/1z1PYCSrDNaIkeYfjP40E/vA59EVojqaN4odddGvLIt51CErvkkP1ozWVFa"
    "odUMOe4C2we3awwnkhcqP0nyUJxk88UnlyXVhVcQMdezbZZTe7hq/hDNJC1YtQDFGg89yA"
    "dUk7GVuGzlhFZSolccWUlL++4M+bEZZp3zmsx4lAGYVAtygItMnd60wAk117wZo54hfQhm"
    "lmdq7A/NWtkGRYr9TX+hB43TbJZ8g8/JCQHtTI0vzf8Rrh/tbtQoLhDyBY04U0XYsSWQMG"
    "OikVxvlVXfFtIOgm5etkQxzBGFhBiryuieV0YfLZWwYzGWxs/UU6H9LzC0r/JHj50/qnIc"
    "JcxxZK6LQY4Bzq8Pyyxvj45QuYwVrdIgA0NZpMoi7a1F2qGU0UZwtqHrri26oC6guxDBOk"
    "MooWQ3clKOL6TPyMF00n0U+twJatDrO2ZR9USNDzEp1eOV9Vb8xcllve2VqqpSVFWahQrx"
    "ShHijUNWYGE+VAnxMkNz4orFeIGL5ybSX2ATzNjRscjxO/BqlrXECCwsQ/fDsny9GdI/sc"
    "t7mll0+QWYuEDHc+SSnLBurVOrw0v72pWBMVfYUkhSSWeWXZxXsBEuzgtNBHZL+fq/TG0x"
    "YRd+tjGdbR+DMEEpIdd7wuVKpqAK6bQeO+W6lBjUMRIFsXjUzAsCKQdGy8J4TM/Arholiw"
    "mZarbyRQYix8jB2mKQYygGd4ZlNiKMxnQmGvmlWGIHHvZebGM9I8fN/cSLN6sYiYSbVSNB"
    "GPZRCSAcDJcQ3Wb60FgmyT1M9MeHu9sCyzUiSRswWCPgv8DAbo+rl/LAZWAkrJZMPmY69X"
    "KYNEfYBJdi7THq38z++n8JZMbM"
)
