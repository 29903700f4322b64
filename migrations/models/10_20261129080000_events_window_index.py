"""The analytics window over events, PostgreSQL only (SQLite: nothing to do). No model change,
so `MODELS_STATE` is migration 9's.

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
"eJztXWtz2zbW/isYf1l7RnET2XHSvJ3OyK7bunXsbuzsrdmRIRKSsKJIFgStaLv57y/Ai3"
    "gDKVIiKRLBlzYmcUDqOSBw7ufPo6WlI8M5HWma5Zr00Vog8+gd+PPIhEvE/iG8PwBH0Laj"
    "u/wChRPDI4D+yDHlQ71bcOJQAjXK7k6h4SB2SUeORrBNscWfdjQCloleULxEwMDm4h14ek"
    "YET9dP4BgtITYA1HWCHOdkAJ7Y/xFlN2zoOCuL6PwaNp8xReziEi0niDhzbJ8M+KN1S2PP"
    "xuassad8Mp/YSNdml+kcgSkmDn3hUEgosFYmIiDA4+QUfHSQzl5BQ+D4yWX/HkP6xOadoK"
    "lFEHhCn23MHsuvnvJ3d038h4sYjjPEZibsF/z+b3YZmzr6jJzwT3sxnmJk6AmmYZ1P4F0f"
    "07XtXbvEsxuT/uiN5chMxppluEszGm+v6dwyNwTYpPzqDLFfASniT6DE5dwzXcMI2B0y1H"
    "/ZaIj/ljEaHU2ha/A1wKn9F4iuHY3Hd/eP44frx/H4KLM+QooYM4NLmmXytcVe1fEAmPFX"
    "ePHtcHh29mb48uzi7evzN29ev335lo313jd7680X/2UitPypPMxufrq5e+QvZLEF7K9vfu"
    "GLRwMp9Kk8ZkToL9iPz+J/NYdEjH44PoU/+2Fp/EO0ixgQXog4EH10bbBgCT+PDWTO6Jz9"
    "+bYA3L+NPlz9PPpw/PYkCfBdcGPI73CkI2S9PWU8h868Cr5JqnpQPuwyT2B8cV4C5IvzXJ"
    "T5rSTM3m5YBeENQXtL+OioFXDPhi9LoMtG5cLr3UviSyw2qAK84Xjp0K15e9AI4jiwEzSL"
    "7g/sDj/6xQgnKVM46wHpafiPPm7L7Afq96axDraqAuAfb95fPzyO3v/GH7d0nD8MD7/R4z"
    "W/M/SurlNXjy9SXNpMAv5+8/gz4H+Cf93fXXvwWg6dEe+J0bjHfx3xd4IutcamtRozWSza"
    "VcOrIWrJ3WojN1XlepJSQq73hMshJoVsDiTmqjyOkdXA4GA9Kv7Wz1+LzKCJ/ws5BmORAp"
    "N/PgpIdzoqO8bd5Fl5XkYQOc+XQ84zYgj7NEhFpGMkCmExwlwpny6EiiFHL4v2j0z7xzPz"
    "V7T2ML9hbwhNTSTwBbaYj8E0/cL6S7iWwqvRKxK42hgx4kuM/XT2gxH1F+Xo4Wr0w/VR7q"
    "ZRA7L3qenkRFiwXYqR5kt5ArXFChJ9nFjT/I41tFJXNmOzt5bDZfoKNOHMA4n/Gv7uoanR"
    "xoxjRyIjpH9nUGh+tPF4gdZlDY8mGP12AxjBKeDSMeA2vIefRy+Gry+ANfX+dBDTDijADn"
    "AoW1D6ANiG6wAInLlFKNCxYxtwDWyCpvjzadbq2MgjajYO5u/4e2z2OxhNjr6buqbGuQMC"
    "nscXq3P6nQGXEx1+/307+mldZ26+rdD7fwV2hOOlMwW8elkGazYqF2zvXlLCYR9dZWthnE"
    "bZCrfaCv09qQrAEUVTi/hw+L66KLOI02pWbA1fpPHl22AVdMPxLW4QBn5GLe3HZbbj/N04"
    "s3aZpLnEpksFCOf6ypJE231mPTATBW6z4avzN+dvzy7ON96yzZUiJ1noEEviqsN1RVADCo"
    "WoAFFl2c6HWl7LNkHP1mInricpleGzy4ZPAzp0vKN1O02rON1lTnfAxN253btdC+xh7YVd"
    "A79Fg2HEAv6FLH1zTpYDlwHxj79+QMYGVjH4o81Evd3VMsgnVT/kOHCG9oTpvT+LRBg1an"
    "yOFpXIAJ1YcgVG6OQa32qHzsdku53398ymxr5QNiZ7HZn8/bzPFz0jHqLLV8q/JTEUxzCX"
    "z0zsQFOfWAIz26VlGQiaYpbEqFJ8mTCypg6szZV2pcHL+/vbhCB4eZOK3L37+P7y+sPxK4"
    "8PbBD2T6+stt19o3xrEtmwlFl+WGCWH2bN8rGNqMJqjlG1uJrDnae3i5m9w2wmijv45eH+"
    "LidgOiJJK5RYo+B/wMBOY1a52M4+cbFBMdvP+WMb28sL2MAhSrAhXNbH70f/SK/4q9v7y7"
    "TWyCe4TK/+6OytsMckqSTcaRpxADoU2QL5OX/pbwi6sfD586RZ+Cs0mVvWYuxHO1RZ/FnK"
    "Ft1bhZKmiVbj5Nu1JHPW78lVPoZ86OX1Mbi2viPXk5SK613husAUnTEtBVFyFY3QSSoVAL"
    "w9xFpZ/JXFv0vg127xF2wqNaAcBfr2azspC29yI00gy14B3H28vS3nTCFufV6UD65MK1p5"
    "UjrjSeELq9CZEqy8Mv6Ucbjit8f235sIMLQ119PdrCmAJogmAlOL8HogwDOsnIIrAzIpVQ"
    "crTOcAAgNBh5cJWSAQLp53Rymw63/CJ/NJdxGvAMJzAVZzZALspQWY6DMF7Kd7JlBw7NN6"
    "6atrNgyza/wme60BWMEFeuHaweUVxJRdPslLGvg9hu3GMeT7hBI+JrZjU9cD3n9B38OUpO"
    "V+J+VM6oZENChyJm14WZYdEUWLdhcbmTqHrRXU6w/c1lxCuMmWWxSzWOdGwqbJ2guHfdkU"
    "0DXHwgYbUAbSYmtFRCWhpaK/lomsQQpSipY2FexPud9MnER9L+nvhe8k4x1QzdApaNPQIk"
    "IsgWf1kUlrOV68kEAG41nRrnP9j8di/9Fm07m9v/spHJ52KqUWsgqCaTFuQLmD8reRfjoG"
    "lDvoa+R6KXdQZF+p6BFKEyoXRQmvEHschRqtiHWSqiEB4nCp0/XD7IdMVQM5TiODjKYcnF"
    "JAXuDgTNpg93W8Vcmp6Rrwpb1v6UOr63Wm+gr0Tl5k3wOxP8bX4Tz92rDLYhs/qLaDGsgO"
    "NcB6Fc3UK2GjLK5JKWsP17xhzWpzzT9QZN9aM4m2ipZczyFwhe7nGLqlXNCeYTRkb8O5fc"
    "TdzbWquj3we210e/BWgwdAVdv6hkiVvBHlLVVMkJE4NeZsWEKHOBsWtCDI5sX0IQSgvdyj"
    "2r3/OqLCHhr5rqGIQoLajm27hqqbq5WZultm6lL1sNyqNqaIQsJdq3HTUiB81mZTkivCeJ"
    "DSHKO11qVq2qG+LtCAYqp8vt4T6MMN6DqCAiW8jZSXQpANQC1b5CTmfJYlGDVkgXyRqH1o"
    "NNailN9Aq7Hok6qKckikkC6HtNf5c1y1dEySSj6PYyP1Y7yql1WRThApoEsBrbkOk93CrT"
    "sDdn4ZjQxhN8ppSFVHRgXo5X8a8urAKkBPNq6XCdBTYTaHtoWoCJBGI0DKeNQFWcB1ONfL"
    "WaU6JvyVSnuncN8QhMBE9Ailij3IhBvtiZJkoUaqdMKB41diX12+2Tb4JrdabsfhLlCuYg"
    "KxVsBGBBwH5APA6E/e8f86YMr0KHbPa1nIXgqs4Bow/erhr7eYIgBNHfzmyz3sSrYTYv3T"
    "C63KsVg3NmsJU/JmlIqu6Vx0DfVXeekgEH+4hAJuI+VRD5aI0m2sVZpETyEv0N8OEQHdNc"
    "hriIFW2RFd0o2bFEJ9pUYgf260nXzRM1KqGg8ZCNMgtot5yQrqluZV2tE3tazSwxMDJIkk"
    "8PkiYRyByvRMuwNfvy7jDnz9Ot8dyO+pzgWHEs2foeEKYP4BaXgJDTHSG5q0c8cnOg2I+7"
    "e2C+D94frq5v3o9nj4cnCeqmkS31pEtdm0SkExcRr59ouzMgEx+eEw2a7wlo0IxSK7YX7U"
    "QJJKhQwknJN1hAyoCkptVlCKS5DZjbzQV58ildBZ31/nvCAvAWkIP+/YqDtBKiGjexqVUS"
    "YWR9XxUcbTLghvKvil3wY+VanjoJU6VFzRgeMdbnS0tC3KtesPSLNI0sSaO2hQZILG0fAx"
    "8caXDIJ45NEHlH1sOrBcqllL5HV2AL/dPzyCJdRR0MDBBE+xV3rBvssncLxANgXDczC3XO"
    "KcZEMg6pz8k/nJ5PPxkArsAKasMt2ZTYzNKIKC/VbTgb5KCx3v+soiC95VYuYyvjkD4Fjs"
    "+YzfQeH5TyZBbCU61H+TzUwLtPaaSTg8IoNf9Vcs8NapF5tBebsKgmwDrv0nMUGLrc38QI"
    "30qSJK/FNhGZ0My6iYUCZvKlkjdnZuBcuRtQpE3TiRhEjX3/B0yh6OiE2wqN5cUcpegkxB"
    "XQJqv3oMA1EX+DQKqiQlqNorkzR82ZcOBOyMtdkTBKjmm9njNHsZ2bspu6oEvE6zoktGvl"
    "LWXa/NGnJ2YHOSsh02H0BTl4LLysiojIxdAl+SKMKbpW0RejV3zcWRyKgTuz0oNOd4A8ca"
    "H1nBkOPahgV1pPPUEjYEm8DGSEOOZ3WhYMk2EfAKvMeX4DgwywTWE675TniTTcdif7Oh0F"
    "wLrTm1PuGTya0ziACbWGwOB2iQm1QgI6IFLTz/Y008XzT6Q9lP+mE/4ayqoAf5o1WZWFE3"
    "SAaxaCWbkKzFaIYU6ViWNfXjjnoGaNHaDBSZjfzFDuPLm7vRh3+Ka21eChSfy38+Xo9SmL"
    "P9pqKIFFEoyai6ZBTs73sKRP5Z+4s/V88ALysNReuse0IQRz5XBArYslUAYj+wpPgzAlcP"
    "fwMWAXc/cONFIKiACWI4sz82ziJqgbDAIJisAQS+CJL1Xe07IfdX3cbbnQ/YPfZ7uPNKE/"
    "VGPw6boZ/8H3jiHdDHxFp5ndHn1or9bOK5sSw6+GR6Tiw+12puOSh4ItAxm5J7odgTucxF"
    "2JxsCgdAgoI3dt6xAbrFfwIEE0i1uTc/JEuDvWWuzLU12SQsT5ntmy5JKom/HiXMJelHaf"
    "S+d0efWmQpMqgVuF02FBKKEG9L4Ps2F963Wc8Wm7lyJcqIRoIK9C24aR38XzTeqA3lVekk"
    "nTRdtVtRqeNOcv6elfJLYiQquaR2dxi1KBQUc879DDbjd/oCOuZ7rNusERgAkUAmzAU0QS"
    "PNtlIbpIHTtQKgMQoFZxrOoJxoBThjFArONJzOAtt2JThjFArONJxTyMTZKmhGBArMNJiI"
    "EItUkrQiim4IWvx50ghaHrhZbuS3FtsQyJC3XhR00kRrsdDwWGEviZOo3STjsfMNoRk4i2"
    "OpIioVLtfpQCpIKVraopK6ud9LnER9Lzl6iwozFUAtb265QyHZjetJyhq43iMBoENMLrVZ"
    "TrGJnflObE6RKj53mc+qa4tse7iA7aprS+cip1RM+YFiymPi6yZkO+UhrVBUIRUmLgnsjd"
    "ZUuLVm2PwRYsMl6EgQdpa4PyiKPDP4yPHUH1qhk4RvUQUe+QBolmvy+DDe/AFq3l/g+Cn4"
    "17vvvJaj3z+deJUEvDG6TngE/PETtt99x/9id8U9JZp60Pa4LxVd383oenfyHySqoVMQwx"
    "WRNHXOHq4k11mpc/as4KA9y1blqi7KSivC9ldk9TWVjAB1mDDp92g5QcSZY1t0YMXuFh5X"
    "y824RgrQuw4iPndioqDKuurFuUAso1JIZDheQs2r5oBTZaPOx72f9o0yNmpl32i9Fio/fi"
    "pCHSNREFc3IYUH/p6mo4/BND0Du6zJKLbIVL+ozlrlmpXe/RavQtF90/21SG6PGs2WMzB5"
    "ppxTEGYJ8sS9Fa9BGVa5RAQs4RrwaBw/wRBg+s6vaIl4vUrMW4zOsS/jZaxKtc3+yWTLzO"
    "UVPwlgiwfxuv6DsGJmkOroVQpa++PBk+Pndj2BYwgW2ODGLf+JfwkyJT+ZE8SLhwZ/cggB"
    "nLG1478ipsCGjoP2yF8MctpychhF/bJigpx3P1bI2OENgCTKfWT/wc+IrOVLfqRWlg/5UZ"
    "7+6PYjPA9jymmmhpxWBXB/tAqprZ0Nk2p8mChGNMQIXj96Pa62DcVpFEtqZ8mUWMtx4CWr"
    "ckqn6aRUPsudyEVHckbF76b36oAof/ttGWslG5WLsncvifKcLgXJqvk5FOF4lUJRPYWCMl"
    "SrYB2OV1hXx3qOoI6qJWvFSLpxfMqVFg9nlbgRju8GK6SSZJaIQnG9wHx2xGm6wRKpvo5n"
    "SDAHqNInkiBSTKmdKZBSqM2X3GrnRc1leVOUypUhVSldmWT/ftQY8+3W7dg26y8xppodt9"
    "nsmPssdklWi8hUBlPX4gJV1vZXw16VtV3zEW9Ah449y3QVy0eSStk/qts/Ql9z9XOIqnOo"
    "BxuVijTN38LkjTRV+dOycV3wsWfyp6GNxwu0rhjvmqSS4QxtOqg41gC9ItRpQoX2drSTfe"
    "vLQp2kUjhvx1llJxw6dF7FeTca5y04KmtAeWTjX/2J+rWdlIU3KR4kkGWvAO4+3t4e5ZyO"
    "daCbmExShNNSQQmQY9HieyJ8Fc0kJ7xJSSAH2zKVWSJf3Z7lWYL8jtFmPol258QqRc+1gX"
    "X9LDFOBGnYxrVh9SGcTla8KJzxesH1oPUIZzLh1ELOWmzjys9eS+5uW/PYxqndtd46FKre"
    "RB/qTfSnDVdrOmcjjbi4RMT9Nx5QFbBO0ym8yzc+q+AoDoer/tWi6t7+GhRt0/ktrGNEqo"
    "v1YMcu1uFBXc00mKSScMdo3Cq4jKoB7Knqx+oK9Azysrp+crV1sNyDr8bmS80bNXe7wBwp"
    "1+XKP/ghsQw2aDrYi8a2pgCG3aX9Ugzcp2tgNvjpp+tH8E1YY+KbP7H+5QkQRF1iOuKqov"
    "VOX6YGQ+zD4O2jlVDfSaG+H7HbrR0X9cdt64hCXCk3M6KQoHFx2wFzqo6rlHFySrpV0q2S"
    "bveUbiPHQ76Em3BObJdyk66RcpIusVZeqXpqfaNp30w0LSxaPwCOFUqkDtCgCSYITLFBEU"
    "E6OOY1xti6cZB+AibrkEgs7jbwjF3qjnlV17xIBiX/dlP+XbAfX+VICcdLeJiclThLzvJr"
    "6qcF32jtV4A3QSQjxsNSvQuGBb0LhpnQQCUcqRhMmSBX8mhr8qiqY9xafOtBRX8eRZMv9A"
    "cxNtvF/bCaT6PhH1kxmj1WCdAdFaCpv3bKnoPBcAnPvlelqie+Kqie+CpbPVGJdkq0kwly"
    "Jdop0a43KHdctEtwQSDcpbmUL97Ff2jHwnu72zYhAZp8vROqRvrWG+V7WMG6eblO1f3IR7"
    "+fFSDy6n5kJJ5SuWx+f2e2iy6QuWcezcif65FPVWI59CSNUJQuvC9QZVOFu/bFlMNok8a6"
    "L0xVcn57DtWYuPXB9cGVFrEgiXdPqMrnOvcZpLG4hPoOQEmWGll3arLUOcl4aVtkX4RuvE"
    "l+sSayopTqnr47Usl27XJCFTWs3Acn2UxvyVRB17Z5QNj+UtRDNJO0YNUCFO80/CAfUE0a"
    "BuNrS2AXTC29fLNgerVvD+8cmWHIpJdQFDeRAZOd6cTrJstuWuCYSdbuhFNPeAPZCdNRNf"
    "4PzVraBkOK/5v9QhcaJ9kQzwafI7Bfbo3rLHReV05+6q7JM74g5LN4ekytwo4NgYTuvkYC"
    "FVVIaFtIEwQdkasvH+aIQkKMVVpfz9P6DhYH0zFzeOPVfJVf6ivxS6ngpy4FP6kAHQkDdL"
    "jp4kiggHvXB0Wat+sEHWxVIM52rTRwliuNVGmkvdVIOxTv1AjONnSclcU21Dl05lWwzhBK"
    "uLIbqWroL9JnRDCbdBeBXjiB6ibW5SopSnvL/+Lk0t52iipU0YQqaEC5eKVw8cYhy9EwH8"
    "q4eLmiOXaq+XiBg2cm0l9gE0x4mX9E/PKRmmUtMAJzy9B9t6y33wzYP7HjFeSx2PYLMHWA"
    "jmfIoQK3bq1Tq0LzfU0p5sytrCkkqaRTyy7OS+gIF+e5KgK/pWz9X6e0mNALP9uYzbaLQp"
    "iglJDrPeFyKVVQuXRa9516slQ1qGMkCuLqXjM3cKTs6S0L/TE9A7uslyy2yFSlgK/SETlC"
    "BGvzI4GiGNwZFOmIMBrTGW/k16KJ7dmYJ1/HekbEEX7i+YdVjETCw6oRJwz/qCogHAyXEN"
    "1miijkNZv65eH+LkdzzW01pWONgv8BAzs9zhkUgcvBSGgtmXjMdOjlIKmO8AkuRYJYm4fZ"
    "l/8Hy8td/g=="
)
