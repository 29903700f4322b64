"""Webhook endpoints for integrators (docs/webhooks.md) and their deliveries, claimed like
messages (status, due_at, attempts). Both dialects: PostgreSQL TIMESTAMPTZ, JSONB and BOOL."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    postgres = db.capabilities.dialect == "postgres"
    sql = UP.replace("{TS}", "TIMESTAMPTZ" if postgres else "TIMESTAMP").replace("{JSON}", "JSONB" if postgres else "JSON")
    return sql.replace("{BOOL}", "BOOL" if postgres else "INT").replace("{TRUE}", "TRUE" if postgres else "1")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


UP = """
        CREATE TABLE IF NOT EXISTS "webhook_endpoints" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "url" VARCHAR(2048) NOT NULL,
            "description" VARCHAR(200) NOT NULL DEFAULT '',
            "events" {JSON} NOT NULL,
            "secret" VARCHAR(64) NOT NULL,
            "enabled" {BOOL} NOT NULL DEFAULT {TRUE},
            "created_at" {TS} NOT NULL,
            "updated_at" {TS} NOT NULL,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS "idx_webhook_endpoints_org" ON "webhook_endpoints" ("organization_id", "created_at");
        CREATE TABLE IF NOT EXISTS "webhook_deliveries" (
            "id" VARCHAR(40) NOT NULL PRIMARY KEY,
            "event_id" VARCHAR(40) NOT NULL,
            "event_type" VARCHAR(40) NOT NULL,
            "payload" {JSON} NOT NULL,
            "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
            "due_at" {TS} NOT NULL,
            "attempts" INT NOT NULL DEFAULT 0,
            "last_detail" TEXT NOT NULL DEFAULT '',
            "created_at" {TS} NOT NULL,
            "delivered_at" {TS},
            "updated_at" {TS} NOT NULL,
            "endpoint_id" VARCHAR(40) NOT NULL REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE,
            "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS "idx_webhook_deliveries_due" ON "webhook_deliveries" ("status", "due_at");
        CREATE INDEX IF NOT EXISTS "idx_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "created_at");
"""

DOWN = """
        DROP TABLE IF EXISTS "webhook_deliveries";
        DROP TABLE IF EXISTS "webhook_endpoints";
"""


MODELS_STATE = (
    "eJztXWtz2zbW/isYfVlnRnES2XHSvJ3OyInbunXsru10t9vsyBAJS1hRJEuCVrTd/vcX4E"
    "W8gRQhkRSJ4Esbkzgg9RwQOHjOBX8OlpaODPd4rGmWZ5J7a4HMwTvw58CES0T/wb0/BANo"
    "2/FddoHAqeELwKDlhLCm/i04dYkDNULvPkLDRfSSjlzNwTbBFnvaYAwsEz0neImAgc3FO/"
    "DwhBz8uH4AR2gJsQGgrjvIdZ8NwQP9PyL0hg1dd2U5OruGzSdMEL24RMspctw5tp8N2aN1"
    "S6PPxuassad8Nh9oS8+ml8kcgUfsuOS5S6BDgLUykQNCPJ4dg08u0ukraAgcPXj03xNIHm"
    "i/U/RoOQg8oC82po9lV4/Zu3sm/sNDFMcZoj079Bf8/m96GZs6+oLc6E97MXnEyNBTSsM6"
    "68C/PiFr2792jmeXJvneb8uQmU40y/CWZtzeXpO5ZW4EsEnY1RmivwISxJ5AHI9pz/QMI1"
    "R3pNDgZeMmwVsmZHT0CD2DjQEmHbxAfG0wmVzf3E/uLu4nk0FufEQSCWWGlzTLZGOLvqrr"
    "AzBjr/D8m9Ho5OTN6OXJ2dvXp2/evH778i1t679v/tabv4KXidEKuvIxu/zh8vqevZBFB3"
    "AwvtmFv3wZSGAg5SsjRn9Bf3we//dz6PDRj9pn8Kc/LIt/hHaZAqILsQbij64NFSzhl4mB"
    "zBmZ0z/floD76/j2/Y/j26O3z9IAX4c3RuwOQzpG1p9TJnPozkXwTUvVg/Jhh3kK47PTCi"
    "CfnRaizG6lYfZnQxGENwLtDeHBoBVwT0YvK6BLWxXC699L4+tYtJEAvFF76dCteXrQHMRw"
    "oCtoHt0P9A5b+vkIpyUzOOuh6HH0jz5Oy/QH6jemsQ6nqhLg7y8/Xtzdjz/+wh63dN0/DB"
    "+/8f0FuzPyr64zV4/OMlradAL+cXn/I2B/gn/dXF/48FoumTn+E+N29/8asHeCHrEmprWa"
    "UFssnlWjqxFq6dlqYzeJaj0tKaHWe6LlCJNSNYcWs6iOE2I1KDgcj0q/9evXcmbQxP+FDI"
    "MJbwNTvD5yRHdaKjum3fRaeVrFEDkttkNOc2YI/TQcQaQTIgphPsJsU/644G4MGXp5tL+n"
    "u388M39Gax/zS/qG0NR4Bl/IxXwKu+kX1n9FYym6Gr+iA1cbEiM5xOhPpz8YkWBQju/ejz"
    "9cDAonjRqQvcl0JyfCnOmSjzQbylOoLVbQ0SepMc3uWCMrc2XTNn9rOVpmr0ATznyQ2K9h"
    "7x5RjTamGhvwSMjgzrCUfrTxZIHWVYlHE4x/uQRU4Bgw6xgwDu/ux/Hz0eszYD36f7qI7g"
    "4IwC5wCR1Q+hDYhucCCNy55RCgY9c24BrYDnrEX47zrGMjj6iZHCye8feY7HcgTQbfPnqm"
    "xrQDQp0nB6t7/K0Bl1MdfvddO/vTutbcYq7Q/7+AOqL20lEBr15WwZq2KgTbv5e2cOhHJ8"
    "wWJmUUV7iVKwzmJBGAY4mmBvHh8H11VmUQZ7dZiTF8lsWXTYMi6EbtW5wgDPyEWpqPq0zH"
    "xbNxbuxSS3OJTY9wEC70laWFtvvMekAThW6z0avTN6dvT85ON96yzZUyJ1nkEEvjqsO1IK"
    "ihhEKUg6hitouhlpfZdtCTtdhJ62lJRXx2mfg0oEsmO7LbWVml6S5rugMUd+dm73YZ2MPy"
    "hV0Dv0XCMFYB+0KWAZ2T18B5KPz9z7fI2MDKB3+86ai3s1oO+fTWD7kunKE9YfoY9CIRRo"
    "2Sz/Gg4hHQqSFXQkKnx/hWHroYk+087++5SY1+obRN/joy2fv5ny96QixEl42Uf0tCFCcw"
    "l48mdqGpTy0OzXZuWQaCJl8lCamMXqZUrKkFa3OlXWvw/ObmKmUInl9mInevP308v7g9eu"
    "XrgTbCweqV3213n5RvzSIbVaLlRyW0/ChPyycmIoHRnJBqcTRHM09vBzN9h9mMF3fw093N"
    "dUHAdCyS3VBijYD/AQO7jbFyiZl96mGDYDqfs8c2NpeXqIFBlFJDNKyPPo7/mR3x769uzr"
    "O7RtbBeXb0x2uvwByTlpJwpmnEAegSZHPs5+KhvxHoxsBnz5Nm4K/QdG5Zi0kQ7SAy+POS"
    "Lbq3Si1NE60m6bdryeas35OrfAzF0MvrY/BsfUetpyWV1ruidQ4VnaOWwig5QRI6LaUCgL"
    "eHWCvGXzH+XQK/dsafM6nUgHIc6Nuv6aQqvOmJNIUsfQVw/enqqpozxfHq86LcejKNaOVJ"
    "6YwnhQ2sUmdKOPKq+FMm0YjfHtt/YyJA0dY8f+9mPQJogrgj8Gg5rB4I8ImVY/DegNRK1c"
    "EKkzmAwEDQZWVCFghEg+fdIAN2/U/4bD7oHmIVQFguwGqOTID9tAATfSGA/nSfAgVHgayf"
    "vrqmzTC9xm7S1xqCFVyg554dXl5BTOjlZ0VJA78nsN04hgKfUMrHRGds4vnABy8YeJjSss"
    "zvpJxJ3bCIhmXOpI0uq6ojlmiRd7GRqTPYWkG9/sBtzXMcRtkyRjGPdWEkbFasvXDYl00B"
    "XXMsbDgB5SAtZytiKQmZiv4yE3lCChKCljbhzE+F30xSRH0v2e+FzSSTHVDNySlos9Aix7"
    "E4ntV7aq0VePEiARnIs7JZ5+Kf9+X+o82kc3Vz/UPUPOtUygxkFQTTYtyAcgcVTyP9dAwo"
    "d9DXqPVK7qCYXxH0CGUFlYuigleIPo5AjQhinZZqyIA4XOp0/TAHIVNiICdlZLDRlINTCs"
    "hLHJxpDnZfx5tITk3XgK/sfcsuWl2vM9VXoHfyIgceiP0xvoj66deEXRXb5EK1HdTQdqgB"
    "1vdxT70yNqrimray9nDNG9asNtf8HUH2lTWTaKpoyfUcAVfqfk6gW8kF7ROjkXobzu1zvN"
    "1cq+q0B3avjdMe/NHgAyDKrW+EVMkbXt6SYIKMxKkxJ6MKe4iTUckRBPm8mD6EALSXe1S7"
    "919HhHuGRrFrKJaQoLZj264hcbpa0dTdoqkr1cPyRDmmWELCWatxaik0PmvjlOSKMB5mdo"
    "7xWOtSNe1ov87ZASW28sX7nnA/3MBeh1OghB0j5acQ5ANQqxY5STifZQlGjVQgXyRqHw4a"
    "a9HKb+CosfiTEkU5ElJIV0PaP/lzIlo6Ji0ln8exkfoxftVLUaRTQgroSkBrnkttt2jqzo"
    "FdXEYjJ9iNchpS1ZFRAXrFn4a8e2AVoCeb1qsE6Kkwm0NzISoCpNEIkCoedU4WcB3O9Wqs"
    "VMeMv0pp7wTuG4IQUkT3UKrYg1y40Z4oSRZqpEonHDh+JfHVFdO24Te5lbmdRLNAtYoJjr"
    "UCNnLAUSg+BFT+2Tv2Xxc80n0UvecfWUhfCqzgGtD91d3frzBBAJo6+CWwe+iV/EmI9XfP"
    "ZZUTsW601wpU8qaViq7pXHQNCUZ55SCQoLmEBm4j5VEPlojSbaxVmkRPIS/Zvx0iArprkN"
    "cQA62yI7q0N27SCP1At8eYW7grvFNqfOp+m6qncAM3qPUDArGwlFYSoHcAExd8+PnyIztJ"
    "G9gQUxuSGYq2g5/o2PCvuggaYYGtnPHZwDM+m79e/nJxO76/vbmmo+b9LR04P1/89sy3VF"
    "dzSHxLlvmdwIfrO6DNkbYAj5Zn6sXGa/ZT8qHPmrCSxDWEY0S+sAZ1fkjslnx9UsUt+fqk"
    "2C3J7mWil+kcqRFe5ZWS+OWEjIQ4n1WB+awY5bMcyPoCLye2NzWwxo8fKQllzotKAXnbUc"
    "0BjsHis5sO0rJKCbtUHepFqkTfqyU6SLOoxVoEdnGkSU5QRZqUfwIq0kTFHFSKNHlCDqa/"
    "Yxe1Z0TVqdTdCS3J69nfl+72dacklZa7rGXFQB+agVYsqYQsaRD6wSFJNzEhxRxpHHrSeG"
    "JVVCxmuzM8fc6kpfn1yPVNxf9s81QDSXjJQC/y0ZKqHl6enXxdiZ18XcJOvuaXHRQtX6HO"
    "d90lgOEJGh4H5g9Iw0toFGxOIpmswRoIHYfC/RvbJfB+uHh/+XF8dTR6OTzNVH5OTi28Ey"
    "w0odTBpIx880UVkr2YY89R7LZj2cghmBddWcx4paUU3VU73aXqzLdZZz5pQeYn8lL+ISMq"
    "Ib0oEwPhIA3hp50UnRGVUNES88iq2rkKMe2C8aYIvn4TfKqecc2xvGL1jFX25YGzwi51tL"
    "QtwnbXt37Qw4BDO+cbDcsoaBw3nwSRFBVDdu9ZjhahH5sOLI9o1hL5AbXgl5u7e7CEOgqP"
    "uTXBQ+KVntPv8gEcLZBNwOgUzC3PcZ/lE8Xq7Pyz+dlk/bHEM+wCulmle2faMTbjPDP6W0"
    "0XBlta6PrXV5azYGfvzjyqN3cIXIs+n+o7PJ7zs+kgOhJdErzJpicWIcyO3HVZ3hq7GoxY"
    "4I9TPy6YsEN9HWQbcB08iRpadGxWjwjmlUdTyWudTF4TLLslU5ReCzw7Y8EKbK0SUzcpJC"
    "HSZ6dV4oBPi+OAT/N1zcwZcmwH807lKCtslhJTUFeAOghipCDqHJ9GSS35lFR7xeRHL/ty"
    "TitdY236BA6qZYGlscxeJHs3bVcVPNppVXSJ5KvE7qIvNqbd7aDmtGQ7aj7ATl0KLSuSUZ"
    "GMXQJfkijCy6VtOeT93DMXAx6pk7g9LKVz/IYTjbUUIHI827CgjnRWgIc2wSawMdKQ67Mu"
    "BCzpJAJegY/4HByFtEzInrCd7xS6iNEjhCU8Q3PNZXNqfcJnk7EzyAG2Y9E+XKBBRqlAKk"
    "SeFRMp/7Gmvi8a/aH4k37wJ0xVAvugoLU6TIuzAWIQ80ayCZ11Qf5oKJGNZVmTIO6oZ4CW"
    "jc1wI7Oxv+hifH55Pb79jZ82es7Z+Jz/dn8xzmBO5xtBEymWUJaRuGUUzu97GkTBWvtT0F"
    "fPAK9qDcXjrHtGEEO+0AQK1bLVAKI/sHLpmfd3vwLLAdcfGHkRGipgililGM/eOIuIBaJj"
    "WMB0DSAITJC872rfDpm/6govEIgKbw7pPfp7mPNKMyDdAeuh9wsYiBlGRw86NXUgeXj2f+"
    "DBRF/IxLFWD6z53FrRn+34biyLDD+bvhOL9bWaWy4Knwh0TLtkXij6RGZzObRP2oULoIPC"
    "N3bf0Qa6xX4CBFNItLnfP3SWBn3LQptra7JJdIhPnL0d/BZpUkmC8ShhLomqipBHvf6qCI"
    "+Ws+QRaiVul42EhCbE2wr4vi2E923es0V7Fj6vJ5aR4JzOFty0Lv4vmmy2DdW30mm59nZ1"
    "Dfu0WtlSJ53k7D2F8ksSIiq5pHZ3GLEI5Bx5V/gZbNrv9AV0zPdYN60REoCIYxMWApqSkW"
    "ZaqQ3S0OkqAGhCQsGZhTM8dEkAzoSEgjMLp7vAti0EZ0JCwZmF8xFSc1YEzVhAgZkFEzmO"
    "5QhZWrFENwwt9jxpDC0f3Lw2iitmbgRkyFsvCzppokpmRDwKzCVJETWb5Dx2ARGag7M8li"
    "qWUuFynQ6kgoSgpc07eKzwe0mKqO+lYN+iwkw5UMubW+4S6Oym9bSkql3Z5cnyEZvYne+k"
    "5oyo0nOX9azOtpZtDueoXZ1t3bnIKRVTfqCY8mQR7ihkO+MhFSiqkAkTlwT2RmsqXFkzbH"
    "4PseE5aMAJO0vdH5ZFnhms5eQxaCpw3m7AqAJffAg0yzNZfBg7Ihdq/l/g6CH817tv0ZK2"
    "/u4hOGHMb6PrDouAP3rA9rtv2V/0Lv/k3aYetD3uS0XXdzO63pv+B/Fq6JTEcMUiTa2zhy"
    "vJdVJpnT0pWWhP8lW5xE1ZaU3Y/pqswU4lZ0AdJkz6I1pOkePOsc1bsBJ3S5er5aZdIwXo"
    "PRc5gXYSpqDKuurFuuBYhlBIZNRewp1XzQGniqMuxr2f/EYVjlrxG63XQmXLjyDUCREFsT"
    "iFFC34e1JHn8JuegZ2VcooMci21zhVrJyElR4+Bll9A67pHtzaYrcHWYHVCSafyjkGUZYg"
    "S9xbsRqUUZVL5IAlXAMWjRMkGAJM3gUVLRGrV0ntCSqAAxsvxyrV1vtnkw4zj1X8dAAdPI"
    "jV9R9GFTPDVEe/UtA6aA8e3CC36wEcQbDABiO3gif+LcyU/GxOESseGv7JIARwRsdO8IqY"
    "ABu6LtojfzHMaSvIYeSdl5Uw5Pz7iULGLjsASKLcR/of/ISctXzJj8TK66E4yjNo3X6E52"
    "GonGZqyGkigAetVUht7WqYiulhqhTRkCJY/ej1RGwaSsoolTSgEg3bmC3h7IroEfZZ0W4o"
    "SKrEy0fHWk5CN6aIGZWVk5IdqGYyldlMOQ6mm+7FA6L8zTdV6GTaqhBl/14a5TlZcrKJi5"
    "NcovYqx0U8x4VQVEWwjtorrMWxniOoI7FsuoSIWj5rXz4JnAlpI2rfDVVIZWouEYH8go7F"
    "6kjKdEMlUn0dT9DBDCChTyQlpJRSu1IgIVCbL9nGyg9rzOumLNcuJ6py7nLVGPpRBC5wLL"
    "RDPtdfA06dRt3madTMqbRLNmEsplLMuha4qdLqvxr1qrT6mpd4A7pk4rsORJiPtJTiP8T5"
    "jygYQHwdImod6sFExQJ3FhPLRtyTlMssu4zkbtZdfzRbo20XIKcZWONmWm4HPRZVqFdGvW"
    "CMF67HRSNbLcaDoqFbXJqzaMAqMCmEDjVS2GjbsbBITlytuF1ecQOF+V/EHgpPyyuNd1nj"
    "+gIvJy6emZCE6ftV9y95SbWHEd/DqHS34sVM3nQ3VcRJNq1zJttcESdo48kCrQWT7tJSMs"
    "yxTWc2Mh0sd0klzQkqtLejHWbnCEKdllI4b8dZpUgfOn9XJZs2mmzKWSprQHls45+Djvo1"
    "nVSFN20epJClrwCuP11dDQpWxzrQTXUmKcJZq6ACyImU1T0Rfh/3JCe8aUugANviRHReKN"
    "ueNSLDJPPxpj+JZufUKKUrJ/2d9SF2selPWsSe6gPrSWKcNul69WB1G3UnK14EztgxL/Wg"
    "dQ9nMuHUQqmRxFRfXHQkvR5sLT8yyaxH9ZYPVGUC+1AmsD+nJ7e2S2/k/GRmQ7KoLh8oAa"
    "yzcgrv6udV53EuPaa62rTSB3jrDlgJxiBvmjahsy4duBxQN6eB9wzWsrk3zGXauHjo0Dy/"
    "vB7f/sb3vJ5zcp/Of7u/GOdyBIOFWoxMTUtJOGM0zqMu4yJue5IjiXJwPYO8KjuSHm0drN"
    "KX2PMXm85pYmC76ZwhJqoV8WNxZuCIVcLzI1Ep+sDGX5ABVtAFj4hoc6Q/Y6Xz/PgkVhHP"
    "b8fOe8DmImhlGYa18ps9Aj8POFfMr/anfDbDXz0EK0zmYDW3on5Y+T3WHjrsf+yZrPbn8z"
    "Ed6wQQZBjsrIm5R1X0MAQPtmN9WbN/LOm2A5uo8tkTvye/SDrQuEX56C/1h6Bw8T2122hr"
    "txGpqOpKFrWXcA2ruSi55wgVkAmby+DVbjseDs78fHIDihWgyoipEb1tRPuACSPcLraDQS"
    "vIjipV9hqVVPYa5St7qTNtpAyXVltGFe0kE+Qq2qkL0U6KEJGJEHnawoU8VadBnsQYkKBy"
    "ECMcTBf7RasYwQDC7oIjBZgRYWDa+OGHi3vwIjor4cWfWP/rATiIeI7p8k/HrLf7HXgJxT"
    "t0knfoR4mr1lbm+stb6YhALMRAxBISbNda5yDU3k3t3dTeLTldKXefsm4zkZjFFm4qWnO7"
    "lZuOFa1m6TrWyj9ynVgvNO3FVNOiw9eHwLUii9QFGjTBFIFHbBDkIB0csbOy6LhxmfNtuo"
    "6E+OZuA8/Y5fws//QwPxlG2b/dtH+V3y0+H77CWnJSfDZ81vCNx74AvCkhGTEeVVmxaati"
    "nEc5vlUZR4rYlglyZY+2Zo+q83hbcxoc1PRnaUXFRn+YdLTd3I8OPWk0HyZvRtPHKgO6ow"
    "Y0CcZO1XUwbC7h2veqUijKq5JQlFf5UBRl2inTTibIlWmnTLveoNxx0y6lBY5xl9VSsXmX"
    "/KEdy3cunnbrnGm323GJw8RCeFOgHX9rwOVUh981drhYMwtgsV0nmvpcb9rzYQ3r5u06VT"
    "q2GP1+FhGtUjr2wIdi7KTpzZXeHtBw8GMxviLcc/Z9sWmUiNnR/DMoqc2w4H8ZAmV0xkFf"
    "96yrCqrpZsZWeb2hsGrgvkBVra3YtfWhGkabun/7wiRSJLHnUE0crz64bj1pEQurHu4JVf"
    "XikH0GacI/V30HoCSrjJaKEabfDN730/vgdyIrRHUUb5S6aiNe2pazL0KXfic/WVNZUVqi"
    "5RQ57hzbe5drjDqSF6ogSHJfnGTj4tPTkqrCK4iY69k2i6nd3zS/i3uSFqxagGKFh+7kBm"
    "qFpnPLWjDnDH5CDt532vpH0N+HoDtpt8kRbMjUbQvvPYmFqF2EvcmEWpOOvORExvHjZea5"
    "Yjdedmrdno4xNqMUBz8BOOnSAiY1uR3g0qFBb1rgyDNdb8qkp0gfgqnlmRr7h2YtbYMixf"
    "5Nf6EHjWf5lIwGn8PxN27NwygNNhNOVu6uizI5IOTzUPpKFVHHRkDC8JxGEgtUCkdbSDsI"
    "urzQnGKYYwkJMVZp+D1Pwz9Y3GrHHHqNH+Co4ki+wjgSFax86GBlFVArYUAt48kGnA24f3"
    "1YtvP2aAsVOFtxVxqG+6gdqdqR9nZH2qH45EZwtqHrriw6oc6hOxfBOico4chu5FimYJAy"
    "3wXtdBeDnttBDXZ9x3ZUPTHjI0xK7Xi1eyv+4uTave0UF63ioVVMj4onkMLFm4SsYId5V8"
    "XFyzaaE1fMxwtcPDOR/hybYMrOKUZOUO5Zs6wFRmBuGXrglvXnmyH9J3b9AnoWnX4BJi7Q"
    "8Qy5hOPWrbVrdVJuX0uAMOUK7xTSUtJty85OK+wRzk4LtwjsluL6v05rMbUv/GJj2tsuG8"
    "KUpIRa74mWK20FlUundd+pb0uJQZ0QURCLe8280JGyp7cs8sf0DOyqXrLEIFOVfb5KR2Q2"
    "+pyzY+QEqBfvGvnR8dWqtfuJdyww12J/hJHd7wBVt+eH5RqQGg86YIXTHUS14x+WvEDx2U"
    "LgiL7YCzrHYBO5LwwE6fb12F5zooSbf1yV4pPx+TY6bcqOTGZHKqNETHvCnJYlUjgcITL6"
    "ZNmAElzmkzJqna9gSgWA+RgJwxxJKaArAG3DtWFBzmD+6e7musgjuxHJ7gGxRsD/6Pzp9j"
    "hVhwctAyO18cuFtGajV4fpHR3rIBvS2o+T0gY2XakYbK0M8AbitIM1N4dyOdURSymao9M0"
    "ByQELW1enmEhV58U2c7Y16XPl019PwFjP3p1+ub07cnZ6Yao31wp4+fzxc0M6JKJeHJDRk"
    "xlOAhnOCg2/quYsMIt806KzsqqYKwua9qz9R0/6LSk+qA7reaIyBGlBNJiarOqzlToCuQq"
    "TelQ3gHevFIDzPKWUckinZlVO+iD2Sih2AeT1NN2H0yq1E6lCi20MZpR5VvO31zw6fbKd3"
    "6woLrQV8JmDYAJcJCGqL3pgiOmoBcbSn+p8yuy1NXvLid6KRdKxxaRYYkLxXOEktrC5hKu"
    "16OXp2+rZP7QZsWpP/7NbHGK+OUEgM6ISUDiZOGuMrRHJSdvjPInbxQVki12oMQS7ftPEt"
    "PM1MMGwaZ7zJ7X2NzSulcF0aWAYzSVeFU2EhLOMPVHDSOT/XBefHzZwRcJqRbPvIhW2V4d"
    "eaFI4WrjXN4QbcUcyqZ1DpOYy6VT7JZit7oEfouxrzn3mKq3fJi00jGFXpsPONxUeGdYRk"
    "nBuE1nyhZ9LSmbewaAFJM19PNxBXmEhIiEy1Aj1VrYRyWAcNhcQnSbOR3VMgniuVKKSZqE"
    "iIpyFeRjBIqT1L+Y/fX/m3fV9Q=="
)
