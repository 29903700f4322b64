"""Automations, their runs (unique per automation and event: one event starts at most one
run of an automation) and step logs. New tables only. Both dialects, as in 1_delivery."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_UP if db.capabilities.dialect == "postgres" else SQLITE_UP


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


POSTGRES_UP = """
        CREATE TABLE IF NOT EXISTS "automations" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "sandbox" BOOL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "enabled" BOOL NOT NULL,
    "trigger" JSONB NOT NULL,
    "event_type" VARCHAR(100) NOT NULL,
    "steps" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "api_key_id" VARCHAR(40) REFERENCES "api_keys" ("id") ON DELETE SET NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_automations_organiz_a5f6b5" ON "automations" ("organization_id", "id");
CREATE INDEX IF NOT EXISTS "idx_automations_organiz_e2a141" ON "automations" ("organization_id", "enabled", "event_type");
        CREATE TABLE IF NOT EXISTS "automation_runs" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "current_step" INT NOT NULL,
    "due_at" TIMESTAMPTZ NOT NULL,
    "attempts" INT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "automation_id" VARCHAR(40) NOT NULL REFERENCES "automations" ("id") ON DELETE CASCADE,
    "contact_id" VARCHAR(40) REFERENCES "contacts" ("id") ON DELETE SET NULL,
    "event_id" VARCHAR(40) REFERENCES "events" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_automation__automat_afacd0" UNIQUE ("automation_id", "event_id")
);
CREATE INDEX IF NOT EXISTS "idx_automation__contact_bb931e" ON "automation_runs" ("contact_id");
CREATE INDEX IF NOT EXISTS "idx_automation__status_c318bd" ON "automation_runs" ("status", "due_at");
CREATE INDEX IF NOT EXISTS "idx_automation__automat_08a0e8" ON "automation_runs" ("automation_id", "id");
COMMENT ON TABLE "automation_runs" IS 'One execution of an automation for one event. Claimed with a lease like messages:';
        CREATE TABLE IF NOT EXISTS "automation_step_logs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "step_index" INT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "run_id" VARCHAR(40) NOT NULL REFERENCES "automation_runs" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_automation__run_id_9a9279" ON "automation_step_logs" ("run_id", "id");"""

SQLITE_UP = """
        CREATE TABLE IF NOT EXISTS "automations" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "sandbox" INT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "enabled" INT NOT NULL,
    "trigger" JSON NOT NULL,
    "event_type" VARCHAR(100) NOT NULL,
    "steps" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "api_key_id" VARCHAR(40) REFERENCES "api_keys" ("id") ON DELETE SET NULL,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_automations_organiz_a5f6b5" ON "automations" ("organization_id", "id");
CREATE INDEX IF NOT EXISTS "idx_automations_organiz_e2a141" ON "automations" ("organization_id", "enabled", "event_type");
        CREATE TABLE IF NOT EXISTS "automation_runs" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "current_step" INT NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "attempts" INT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "automation_id" VARCHAR(40) NOT NULL REFERENCES "automations" ("id") ON DELETE CASCADE,
    "contact_id" VARCHAR(40) REFERENCES "contacts" ("id") ON DELETE SET NULL,
    "event_id" VARCHAR(40) REFERENCES "events" ("id") ON DELETE CASCADE,
    "organization_id" VARCHAR(40) NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_automation__automat_afacd0" UNIQUE ("automation_id", "event_id")
) /* One execution of an automation for one event. Claimed with a lease like messages: */;
CREATE INDEX IF NOT EXISTS "idx_automation__contact_bb931e" ON "automation_runs" ("contact_id");
CREATE INDEX IF NOT EXISTS "idx_automation__status_c318bd" ON "automation_runs" ("status", "due_at");
CREATE INDEX IF NOT EXISTS "idx_automation__automat_08a0e8" ON "automation_runs" ("automation_id", "id");
        CREATE TABLE IF NOT EXISTS "automation_step_logs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "step_index" INT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "run_id" VARCHAR(40) NOT NULL REFERENCES "automation_runs" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_automation__run_id_9a9279" ON "automation_step_logs" ("run_id", "id");"""

DOWN = """
        DROP TABLE IF EXISTS "automation_step_logs";
        DROP TABLE IF EXISTS "automation_runs";
        DROP TABLE IF EXISTS "automations";"""


MODELS_STATE = (
    "eJztXWtz2zYW/SsYf1lnRnFs2XHSbKczkuO2bvzI2mq3j3RoiIQl1hTJgqAdtZv/vgDfD5"
    "AiLZImUXxpYxIXpM4Fgfs4uPh7Z2VpyHD2Jrb+Aa133oG/d0y4QvQfmTsjsANtO77OLhA4"
    "N7ym0NaVe7T2LsK5QzBUCb1+Bw0H0UsaclSs20S3TNZ6YoLJxzNABfbAlWmsAVkicPP95O"
    "X49TGw7rw/HaRiRIDuAIdYGGkjYBuuAyBwlhYmQNMd24BrYGN0p3/eY8/VLJU+WDcX7T3C"
    "NfU/XaQQa4FoB5g+6Lff6WXd1NBn5IR/2vfKnY4MLQWmrrEOvOsKWdvetZMlxN96Ldnrzx"
    "XVMtyVGbe212RpmVFz+uvY1QUyEYYEaQmATdcwAl2El/x3pRcIdlH0klp8QUN30DWYmna+"
    "vnNNlWkHBDq38AKa+l+QXXP2vjbgaq7Bb74J3jMhqSiXVzPl5nSmKDs5RbO3yigmuKTSbu"
    "kg0U3ieCit4GfFQOaCLOmfR/tf/OfEaPmt2AN/mlyffD+53j3af8EeaNGR5g/By+DO2Lv1"
    "xesCEuh34ukmVob3/xrqCNs3o5DwQqyR+DuJgO0G6oP9KljTVoVge/cY2jG69KNTltBZ1k"
    "E4KdPVsA8xax3l46MKIB8fFWLMbqUh9uekOgDHEm0N4ufD9+C4yiA+Lh7Dx1l82TRYB92w"
    "fYcThKE/oI7m4yrTcfFsnBu7CCsr3XQJB+EzkxQM35RQBmb62m3B3OYYXrCXeDk+OHpz9P"
    "bw+OgtbeK9aHTlTQnwZ5czDq4aXNcENZCQiHIQpeYh+/EKJHlQ39M7RF8hPrJpyQy4WiC6"
    "F/5jiFDTH6gxwzqY+EtwnZ1dnN7MJhcf2eNWjvOn4eE3mZ2yO2Pv6jpzdTc7WUedgP+ezb"
    "4H7E/w69XlqQev5ZAF9p4Yt5v9usPeCbrEUkzrUYFaYo0Kr4aopbSO0YN1/yStpyUb0Hrw"
    "un1R+kCUHGJSqmUDOkRxnSfpOSsrNd1nTSd9WaWeG84R7c7C68x8bsbfZpGPu3uuu52EMQ"
    "//txZG+sL8gNaeEs7om0JT5dl5QXDiKtPdwMD/Eo6y8Gr8+WP4GIWOeIOP/oMigIg/bCc3"
    "J5P3pzse8nOo3j9CrCkFKmBfyMoP5+Q1MA2Ev/1wjYwIVj74k6ijwc5qOeTTrh9yHLhAW8"
    "J04fciEEZslFljKzG6UuMuf2s1XmWvQJNiogXPZk/KDypeADo15EqC0OkxvjEOXYzJ5jjv"
    "b7lJjX6htE3+OjLZ+3mfL3pAJvFHyu+CBIoTmIsXJnagqc0tTphtalkGgiZfJQmpjF7mVK"
    "ytBSu60q01OL26Ok8ZgtOzWQbwHy+mp9e7B54eaCPdX73y3nb/g/KdWWTjSmH5cUlYfpwP"
    "yycmohqjOSHV4WgOZ57BDmb6DosFwnmwf7i5uuQjnRDJOpS6SsD/gKE7rUXlEjP73NUNot"
    "P5nD22tbm8RA0MopQawmG9ezH5OTviT86vplmvkXUwzY7+eO2tMcekpQScaVpJADoE2Rz7"
    "uXjoRwL9GPjsecIMfBnELv4UxA1iu7b2RK2nJaXW+6J1TqwzF7sIaFg1o5xpqSctcj0LYr"
    "TjKMqQsgwp9xP8xkPKnEmlAZRjJumwppOq8KYn0hSy9BXA5Y/n59Wi9dhtLkx/7Yo0ojsK"
    "QzPQSiPRAapVgtFKqM3NxOgrEwGKtup6/oh1B6AJ4o7AnYWBxZowr3QPnBiQWmAaeNTJEk"
    "BgIOgg6ivdIxDmMN7tZMBu/gmfzFvNRdRavGVE6sclMoHucapN9JkA+tO9+BHY9WXRZ1vH"
    "a9pMp9fYTfpaI/AI79FL1w4uP0KdemGLF0WM698S2EZRdT+gngrQ09mIuB7w/gv64fm0LA"
    "vay0h8P1b7UVkkPtJlVXXEEh1yMm1kagy2TlBvnvWquhizeBcLx+SxLqQRZsW64xLutwV0"
    "w0TCYALKQVruicdSAnrhw/W688EWSAha2YQzPxV+M0kR+b1kvxeEscXJncyoSVEQpw8FRI"
    "helH0apz/PyiPE0ZdxfnX5Xdg8GzaWEWKxY4UyQvxP1HqlCHHsltYMEmcFZdSyQqCYPo5Q"
    "j78m1mmplpa059uu1zzMfpq+HshJGRGsBpnzEALykpxHOnS1bSy+Do+7b8BXDshnF63N2Q"
    "6ZWOosseQHbrfH+DTsZ1gTdlVskwvVZlAD26EBWE/ingZlbFTFNW1lbZGtM6xFY9m6G4Ls"
    "c2sh0FTRUcYuBK40a5dAt1LmjkW0lVC9Le8nwe7TMlJTfVEYZeTaWpz4YvB5bJeSatPQ8u"
    "OLX43Hh4dvxvuHx29fH7158/rtfhRozN8qizhOz75jQceUIRZGIcuSUHQ0eADUCPSmhWSZ"
    "BR5XviYpW2A69uG4gg9xOC70IditLBd7CJnT7vjujSdNNUSgbtRJVsQSAtQT6zpZUT9cLc"
    "PU/QpTV6rB4taNMcUSAs5arYeWAuOzsZiSWKTDUcZzjMda3YIMbfpCob/O8YASrnyx3xP4"
    "wy34OpxN8Su6Anqs4jxvr+rG+kTyWRQOX6gC8Qh8nsJrpWdWndtIHVr5VfCmrUrs/HwOLP"
    "qk6qIcCkmkqyF9p2OHKHXLFaSlxMs4tlKzwKu0VhfplJAEuhLQqutQ2y2cunNgF2/dzgn2"
    "Ywu3ULULJEGv+NMQ1weWBD3RtF6FoCdpNs8dC5EMkFYZIFUy6pzNk91the2Z8VeYV0+l0O"
    "C2FIQgRDSDQnEPcnSjLVESjGrUKjcjMaKKQ5LBeNsYlVTCEV5tEzW2HoGNMNgNxEeAyr94"
    "x/7rgDvqI9B73hFQ9KXAI1wD6jvc/OdcJwhAUwMf/TWdXsmfLNV899yIaYLHRXutECaNWk"
    "nmSO+YI8Qf5ZUJDn5zAY23VsrNPdsmi35jLbcADBTyEt/kOdi9fYO8AX6vZP73ye9r0wj1"
    "DXaO/RlZ8sWmZ+wwtJ4ODyn+m828dEVaS/WKb2hReZts81QDQbLkvl4EzJHLXYzZVNfr11"
    "VSXa9fF6e62D1ZCfq5TPMHaLgcmN8jVV9Bg490JJNNXPhCe4Hw8MZ2CbzvT0/OLibnu+P9"
    "0VGmtnxyauGVa1JrET6SMuLNF4dVyB7FVI/8KbuWjTDReYcBFWfE01IyHZ5KvDWRDk/aNP"
    "mppTQzmhEVMDU63FQohwWOVKQ/PPEozpSogIoeaA68CvNBVk2R4bw+mBOSajDskJOsi/Cs"
    "dREki+OZM/BnGlrZFmH+3jVSLZwO+hU2GpUFRfW4uYK99hXT8jOWDyf0Y9OA5RLVWiGv/D"
    "j4eHUzAyuooaDKuAluE6/0kn6Xt2D3HtkEjI/A0nKx8yKflG+y80/mJ5P1x5L8ugOo+0S9"
    "OdqxbsY5ffpbTQf6ThZ0vOuPFr5npc8XLtWbMwKORZ9P9R1UR/5kYkRHokP8N4l6ukdrr+"
    "K5wzgC7Ko/YoE3Tj22AGE11TGyDbj2n0QNLTo2i6kD2VWFt81KEgV6SRSouX1H3I07rUR+"
    "WVymwNYqMXWTQgIifXxUAejjo0Kc2a3s/ihzgbCNdV51r7INUikxCXUFqP1aHRREjRNlL6"
    "lJk5LqrijNeH8oFcjpGmvTJ3BQLQ78JmW2Cvv203aV2516rYo+BfkqRXe9s4CQ8wQ1pyW7"
    "UfMzeOpCaFkGGWWQsU/gC8JrO1vZFiYnS9e83+EFdRK3R6XhHK+horKWNQI5rm1YUEMa2+"
    "xAm+gmsHWkIseLuhCwopMIOAAX+hTsBmGZIHrCPN85OwnOsejftCk019xoTqNP+GSy6AzC"
    "wMYW7cMBKmQhFUiFSMk5c39Yc3bPQX/K+Mkw4idMVTX8IL+1LMrJO7KMQswbySbEaz6aoU"
    "QGzvma+EyYgQFaNjYDRyayv+hiPD27nFz/wq9sOOU4PtNfZqeTDOZ0vqlpIsUS0jKqbxkF"
    "8/uWBpG/1v7g9zUwwKtaQ/E4658RxJAvNIECtWw0gOgPrGj+TMDJzU/AwuDyPQteBIYKmC"
    "OKM/0jShYRC4Tl3MB8DSDwTZB87mrbDlm+6jx5Ju+I3qO/hyWvVN4Bvrvhib0v/g1u2TG9"
    "CrYeveN7l9Yj/dnYS2NZZPTJ9JJYrK/HpeWg4IlA02mXLAtFn8hsLkz7pF04AGIUvLHzjj"
    "bQLPYTIJhDoi69/iFeGfQtC22ujdsfwmKA+cN9Bdnc4I9HAXc3DKMQ9dCP8L2z8IoXUCtJ"
    "u0QSApoQbyvg+7YQ3rf5zBbtuXbdv1hGgHrfHaRpHf0vpERuQ3VXOi0nzKm6nbjUySQ5e8"
    "9aOx4SInK7Q+PpMGIRyCmdW/gZRO2f9AX0LPfYdFgjCAAijk1YCGhKRphppTFIg6RrDUAT"
    "EhLOLJxB8cYacCYkJJxZOJ173bZrwZmQkHBm4byD1Jytg2YsIMHMgokwtnAtSyuW6IehxZ"
    "4njKHlgZvXRvFBTpGACDupy0gnbRzkFAYea8wlSRE5m+Qydn4gNAdnOZcqlpJ0uV4TqSAh"
    "aGXzCpgWfi9JEfm9FPgtkmbKgVrcveUOgfhpWk9LNqD1ARkAPVJypcnyTjd1Z/kkNWdEpZ"
    "77rGd5RoZoczhH7fKMjN4xpySn/Jk45QnzNaJsZzKkNYoqZGjigsDeak2FC59ktcNhnIW3"
    "RmV8s5Ck5bWqdJaBd0bjHghJW4xH9chKAoRFBxAGK7gGLDji872ATt75BQYQKx+gszMIlr"
    "rhvVjuKIPGev9k0kHhsgIMGFBVI1ZmbRQWMAiYZ97GrbXfHtw6PtXmFuxCcK8bBuOpeU/8"
    "V0Bc+2TOEavlEPzJIARwQTXtv6JOgA0dB21BJwsoRgWUsn/IqbP0P/oDwmvxOGfEqhNc91"
    "t3H1h/Hlu/na27ah3A/dYyk9G4Gub19DCXimhJEaxsz1qpNw0lZaRKGlfJHbZWzNekTWqx"
    "kbNyQrqN1VbksiU5V2XSced/IF7hvRLidywiIMpffVWFlUxbFaLs3UujvCQrDkewOHUdtp"
    "eZ6/qZa0JRrYN12F5iXR/rJYIaqseRSYj0Y/kUi43MPWm0xKkK2vdDFUJZMitEIH+bdrE6"
    "kjL9UIlQX8cDxDoDqNYnkhKSSmlcKZAQqC5X7Pwe1XJ5RQnLGDQ5UcmkyXGsh7G1049Pdx"
    "PbbH5npwNNbW59zqM8tSwDQbMA6FgqW5eDirUFdXSl47ocV1fnqdljepY1MX+8mJ5S4DNn"
    "LHGGNDKfxBGKxSRxpD8MgjxxRJJlhVavJMs2vMQb0CGKF5muE/lIS8n4R/34h8NMzyetQ0"
    "SuQwOYqCQJvXgKGyaBsQoJXdJWRdN6FdoqtHXlHq1rMlbTUiKsofJcOyEgl/Tg56IHcyaV"
    "BlCe2PoHv6NhTSdV4U1PpNucaxcFhbekXweE4UnUn0CDO72z/qExsE4fBMYJI1W39cawug"
    "67ExUvAhesHkAzaM3gQiScOtgEkZi4irdDpGe3jRsjlMzsunGPRDFSmzcE1CLwyyr+7F4X"
    "VfyHU2azM5O9lUKbrJw0CxR6QNXAOisn8a5e2LRGRiJsLs+n4FXv8Mcgb5ouPqIiISRPqR"
    "g98ZSKcKGuF1lJSwk4Y7QeVFnF20u39PQTG1UHBnlVXz892vp0ZkXKjS22miM3d7PBHDvX"
    "1fYT+9wr/whz3aP9eUelB935e3tZ8sDQaePb705n4FW4afnV37r25RZgRFxsOvmjLJrvvs"
    "qm3sSHwY6HkEZ9L436YZAEO1sumicIaohAvdYmoFhCgIMJumZm1M/dCpuzHW6ONp+al9at"
    "tG6ldbuldRsnHoot3FRyYrOVm06NVLN0sfUIbIQBsV6p6qu5qoJg//aIHQ4bWp3eYbBzxA"
    "6aJYgdJLvLitbQceMg7YV30povxDd3W3jGUwrZeGV8vESwtH/7af/e0x9fZ0kJ2wu4mBxW"
    "WEsOC5eSw6zhG4/9GvCmhETEeFxlxaatinEe55hV0jiSFDaRIJf2aGf2aNHobgBgSQ/ske"
    "nPWDTFRn/Asdls7odlI1qlf+TNaPpYaUD31IAm/tipug4GzQVc+w4qlek6KCnTdZAv0yVN"
    "O2naiQS5NO2kaTcYlHtu2qW0wDHusloqNu+SP7Rn9N7+1udOgSZeke66TN9mWb7Pa1i3b9"
    "fJDebF6A9zq3HRBvOcxVNpL5u/KW7LHTSVtw72bQhU2mXEkF7FS9YWMEUdiQ+Vgt3m4Lp2"
    "hUWMUdKp/bMlVCd+L4KDpPCLzz4BKMH2+jW911boTba6d+hVIydn/WDNRUUpeU7V02ESL0"
    "CS3tDl2jaj7WxvGtzEPYkEVptRiSRknKBEBtHimERWiZu5ZRMz5Gt5uxmS/jkw6fyLvbPR"
    "6E0L7FIryJ0z6Tk7Dm1uUd+e/UO1VrZBkWL/pr/QhcaLPL+sxedwgicbSWWlmbPaOy/6G2"
    "9JDgjxwi2eUuuoIxIQMNfQCktK8tG6Qhoj6PDyDMUwxxICYiz3FA18T9GzJeF7VtKr7Ry8"
    "DIoXQy9WUFwyL/rEvJDsAAHZAROEdXW5w3HBgzujMu8bxm16QwX4pxA6tyzGU+xjPiDscD"
    "/x4hk2ISLgzNpKOSn2UdVAOGguILrtECeKCkyVnGdeWF5KniIfeTwZuy48sK0Ge6H5xezL"
    "/wGlZvKB"
)
