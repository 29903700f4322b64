"""The analytics window over events, PostgreSQL only (SQLite: nothing to do). No model change,
so `MODELS_STATE` is the previous migration's.

- idx_events_window: events by (organization, occurred_at) with their type, currency and value
  included. Events per type and currency over a window (the dashboard's Analytics page, 30 days
  by day) reads it index-only instead of visiting a heap page per event: events are stored in
  the order they arrive, not the order they happened (imports, late batches), so a month's
  events can lie on most of the table's pages (bench/dashboard.py, 1,000,000 events over a year
  in random order: 22,000 pages and 325 ms before, 880 index pages and 48 ms after).
  It has the key of `idx_events_organiz_e795a4` (the model's (organization, occurred_at)
  index), which stays: the model declares it, and SQLite has only that one.

Built CONCURRENTLY so a large events table keeps taking writes meanwhile: outside a transaction.
A build that failed half-way leaves an INVALID index that `IF NOT EXISTS` would keep; it is
dropped first (as in migration 6).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

NAME = "idx_events_window"
CREATE = """CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_events_window" ON "events"
    ("organization_id", "occurred_at") INCLUDE ("event_type", "currency", "value")"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect != "postgres":
        return "SELECT 1;"
    invalid = await db.execute_query_dict(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid",
        [NAME],
    )
    if invalid:
        await db.execute_script(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')
    await db.execute_script(CREATE)
    return "SELECT 1;"


async def downgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect != "postgres":
        return "SELECT 1;"
    return """
        DROP INDEX IF EXISTS "idx_events_window";"""


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
    "jygYQHwdImod6sFE5ZmuN2UoTDmx1qWWXUZSWXcC1h0Ll1pMLBtxz68uQz0juRvq/fmeas"
    "dcM7DGzW/dDnosqlCvjHrBGC+0gopGtjKBBkVDt7ggatGAVWBSCB1qGrLRtmM5l5y4snO6"
    "bOcECvO/iD0UnpZXGu+yxvUFXk5cPDMhCYsmVN015iXVzlF856iSDIsXM3mTDFXpLNm0zp"
    "lsc6WzoI0nC7QWTHVMS8kwxzadT8p0sNwlgTcnqNDejnaYEyUIdVpK4bwdZ5WYfuisaZXi"
    "22iKL2eprAHlsY1/Djrq13RSFd60eZBClr4CuP50dTUoWB3rQDfVmaQIZ62CCiAnEoX3RP"
    "h93JOc8KYtgQJsi9P/eQGEe1bmDFP7x5v+JJqdU6OUrpz0d9aH2MWmP2kRe6oPrCeJcdok"
    "SdaD1W3Unax4EThjh+vUg9Y9nMmEUwsFXhJTfXGpl/R6sLXoyySzHtVbtFEVZ+xDccb+nF"
    "nd2i69kVOrmQ3JYul8oASwzsopvKufEp7HufRw8GrTSh/grTtgJRiDvGnahM66dOByQN2c"
    "wd4zWMvm3jCDbOPioUPz/PJ6fPsb3/N6zsk4O//t/mKcy8wMFmoxMjUtJeGM0TiPuoxL5+"
    "1JjiSK8PUM8qrsSHq0dbA2YmLPX2w6p4mB7aZzhpioVjqRxZmBI1Z/0I9EpegDG39BBlhB"
    "Fzwios2R/owVLPTjk1gdQr8dO2UDm4uglWUY1spv9gj87OtcCcXan/LZDH/1EKwwmYPV3I"
    "r6YUUPWXvosP+xZ7KKq8/HdKwTQJBhsBM+5h5V0cMQPNiO9WXN/rGk2w5sosonfvye/CLp"
    "QOOWQqS/1B+CwiUP1W6jrd1GpKKqK1nUXsI1rOZS8J4jVLYnbC6DV7vteDg487P4DShW9i"
    "sjpkb0thHtAyaMcLvYDgatIDuqVE9tVFJPbZSvp6ZOEpIyXFptGVW0k0yQq2inLkQ7KUJE"
    "JkLkaQsX8lSdBnkSY0CCek2McDBd7JcKYwQDCLsLDnJgRoSBaeOHHy7uwYvohIoXf2L9rw"
    "fgIOI5pss/k7Te7nfgJRTv0EneoR+FxVpbmesvKqYjArEQAxFLSLBda52DUHs3tXdTe7fk"
    "dKXcfcq6zURiFlu4qWjN7VZuOla0mqXrWCv/oHtivdC0F1NNi468HwLXiixSF2jQBFMEHr"
    "FBkIN0cMROKKPjxmXOt+k6EuKbuw08Y5dTy/wz2/xkGGX/dtP+VX63zWJyUmEtOSlcSk6y"
    "hm889gXgTQnJiPGoyopNWxXjPMrxrco4UsS2TJAre7Q1e1Sdgtya0+Cgpj9LKyo2+sOko+"
    "3mfnTUTKP5MHkzmj5WGdAdNaBJMHaqroNhcwnXvleVQlFelYSivMqHoijTTpl2MkGuTDtl"
    "2vUG5Y6bdiktcIy7rJaKzbvkD+1YvnPxtFvnTLvdjksc4RbCmwLt+FsDLqc6/K6xI92aWQ"
    "CL7TrR1Od6054Pa1g3b9ep0rHF6PeziGiV0rEHPhRjJ01vrvT2gIaDH4vxFeGes++LTaNE"
    "zI7mn/xJbYYF/8sQKKMzDvq6Z11VUE03M7bK6w2FVQP3BapqbcWurQ/VMNrU/dsXJpEiiT"
    "2HauJ49cF160mLWFj1cE+oqheH7DNIE/5p9jsAJVlltFSMMP1m8L6f3ge/E1khqqN4o9RV"
    "G/HStpx9Ebr0O/nJmsqK0hItp8hx59jeu1xj1JG8UAVBkvviJBsXn56WVBVeQcRcz7ZZTO"
    "3+pvld3JO0YNUCFCs8dCc3UCs0nVvWgjln8BNy8L7T1j+C/j4E3Um7TY5gQ6ZuW3jvSSxE"
    "7SLsTSbUmnTkJScyjh8vM88Vu/GyU+v2dIyxGaU4+AnASZcWMKnJ7QCXDg160wJHidOw9S"
    "GYWp6psX9o1tI2KFLs3/QXetB4lk/JaPA5HH/j1jyM0mAz4WTl7rookwNCPg+lr1QRdWwE"
    "JAzPaSSxQKVwtIW0g6DLC80phjmWkBBjlYbf8zT8g8Wtdsyh1/gBjiqO5CuMI1HByocOVl"
    "YBtRIG1DKebMDZgPvXh2U7b4+2UIGzFXelYbiP2pGqHWlvd6Qdik9uBGcbuu7KohPqHLpz"
    "EaxzghKO7EaOZQoGKfNd0E53Mei5HdRg13dsR9UTMz7CpNSOV7u34i9Ort3bTnHRKh5axf"
    "SoeAIpXLxJyAp2mHdVXLxsozlxxXy8wMUzE+nPsQmm7Jxi5ATlnjXLWmAE5pahB25Zf74Z"
    "0n9i1y+gZ9HpF2DiAh3PkEs4bt1au1Yn5fa1BAhTrvBOIS0l3bbs7LTCHuHstHCLwG4prv"
    "/rtBZT+8IvNqa97bIhTElKqPWeaLnSVlC5dFr3nfq2lBjUCREFsbjXzAsdKXt6yyJ/TM/A"
    "ruolSwwyVdnnq3REZqPPOTtGToB68a6RHx1frVq7n3jHAnMt9kcY2f0OUHV7fliuAanxoA"
    "NWON1BVDv+YckLFJ8tBI7oi72gcww2kfvCQJBuX4/tNSdKuPnHVSk+GZ9vo9Om7MhkdqQy"
    "SsS0J8xpWSKFwxEio0+WDSjBZT4po9b5CqZUAJiPkTDMkZQCugLQNlwbFuQM5p/ubq6LPL"
    "IbkeweEGsE/I/On26PU3V40DIwUhu/XEhrNnp1mN7RsQ6yIa39OCltYNOVisHWygBvIE47"
    "WHNzKJdTHbGUojk6TXNAQtDS5uUZFnL1SZHtjH1d+nzZ1PcTMPajV6dvTt+enJ1uiPrNlT"
    "J+Pl/czIAumYgnN2TEVIaDcIaDYuO/igkr3DLvpOisrArG6rKmPVvf8YNOS6oPutNqjogc"
    "UUogLaY2q+pMha5ArtKUDuUd4M0rNcAsbxmVLNKZWbWDPpiNEop9MEk9bffBpErtVKrQQh"
    "ujGVW+5fzNBZ9ur3znBwuqC30lbNYAmAAHaYjamy44Ygp6saH0lzq/Iktd/e5yopdyoXRs"
    "ERmWuFA8RyipLWwu4Xo9enn6tkrmD21WnPrj38wWp4hfTgDojJgEJE4W7ipDe1Ry8sYof/"
    "JGUSHZYgdKLNG+/yQxzUw9bBBsusfseY3NLa17VRBdCjhGU4lXZSMh4QxTf9QwMtkP58XH"
    "lx18kZBq8cyLaJXt1ZEXihSuNs7lDdFWzKFsWucwiblcOsVuKXarS+C3GPuac4+pesuHSS"
    "sdU+i1+YDDTYV3hmWUFIzbdKZs0deSsrlnAEgxWUM/H1eQR0iISLgMNVKthX1UAgiHzSVE"
    "t5nTUS2TIJ4rpZikSYioKFdBPkagOEn9i9lf/w9J7U13"
)
