"""Test mode: events and automation runs remember whether they are sandboxed (an event sent
with an et_test_ key; a run such an event started, or a run of an automation made with a test
key). Existing rows are live (false). A constant default adds the column without rewriting
the table on PostgreSQL 11+. Both dialects, as in 5_webhooks_attribution."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES_UP if db.capabilities.dialect == "postgres" else SQLITE_UP


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN


POSTGRES_UP = """
        ALTER TABLE "automation_runs" ADD "sandbox" BOOL NOT NULL DEFAULT FALSE;
        ALTER TABLE "events" ADD "sandbox" BOOL NOT NULL DEFAULT FALSE;"""

SQLITE_UP = """
        ALTER TABLE "automation_runs" ADD "sandbox" INT NOT NULL DEFAULT 0;
        ALTER TABLE "events" ADD "sandbox" INT NOT NULL DEFAULT 0;"""

DOWN = """
        ALTER TABLE "automation_runs" DROP COLUMN "sandbox";
        ALTER TABLE "events" DROP COLUMN "sandbox";"""


MODELS_STATE = (
    "eJztXWtz27YS/SsYf7nOjPOw7DhpbqczsuO2bhw711Z7+3CHhkhYYk2RLAhaUXvz3y/Ah/"
    "gCKcIiaRLFlzYmsSB1FgQWuwe7f+8sHANZ3ouxa35Aq5134O8dGy4Q/Ufuzh7Yga6bXGcX"
    "CJxaQVPomto9WgUX4dQjGOqEXr+DlofoJQN5OjZdYjo2az22wfjTGaACL8Clba0AmSNw/f"
    "34+ej1EXDugj89pGNEgOkBjzgYGXvAtXwPQODNHUyAYXquBVfAxejO/PyCPddwdPpg0561"
    "9wjfNv/0kUacGaIdYPqg336nl03bQJ+RF//p3mt3JrKMDJimwToIrmtk5QbXTuYQfxu0ZK"
    "8/1XTH8hd20tpdkbljr5vTX8euzpCNMCTISAFs+5YV6SK+FL4rvUCwj9YvaSQXDHQHfYup"
    "aefrO9/WmXZApHMHz6Bt/gXZNe/F1xZcTA34zTfRe6YkNe3icqJdn040baegaPZWOcVEl3"
    "TaLR0kpk28AKUF/KxZyJ6ROf3z8NWX8DkJWmEr9sCfxlcn34+vdg9fPWMPdOhIC4fgRXRn"
    "FNz6EnQBCQw7CXSTKCP4v4A64vbNKCS+kGgk+U7WwHYD9f6rOljTVqVgB/cY2gm69KPT5t"
    "CbiyCclulq2MeYtY7y0WENkI8OSzFmt7IQh3OSCMCJRFuD+Onw3T+qM4iPysfwUR5fNg2K"
    "oBu373CCsMwH1NF8XGc6Lp+NC2MXYW1h2j7hIHxmk5LhmxHKwUxfuy2Y2xzDM/YSz0f7h2"
    "8O3x4cHb6lTYIXXV95UwH82cWEg6sBV4KgRhIKUQ6i1DxkP16DpAjqe3qHmAvERzYrmQPX"
    "iERfxP8YItT0BxrMsI4m/gpcJ2cfT68n44+f2OMWnvenFeA3npyyO6Pg6ip3dTc/Wa87Af"
    "89m3wP2J/g18uL0wBexyMzHDwxaTf5dYe9E/SJo9nOUoNGao2Kr8aoZbSO0YNz/yitZyUb"
    "0Hr0un1R+kCUHGNSqWULekTzvUfpOS+rNN1nTaf3sprYNpwj2p2F15n53Mx+m3k+7u652+"
    "00jEX4v3UwMmf2B7QKlHBG3xTaOs/Oi5wTl7nuBgb+l3iUxVeTzx/D5dp1xBt89B8UAUTC"
    "YTu+Phm/P90JkJ9C/X4JsaGVqIB9IYvQnVPUwHEk/O2HK2StYeWDP153NNhZrYB8duuHPA"
    "/O0JYwfQx7kQgjNsqckZMaXZlxV7y1GC3yV6BNMTGiZ7MnFQcVzwGdGXIVTujsGN/ohy7H"
    "ZLOf97fCpEa/UNqmeB3Z7P2Czxc9IJuEI+V3SRzFKczlcxN70DamDsfNduw4FoI2XyUpqZ"
    "xeplSsrQVrfaVba/D48vI8Ywgen01ygP/48fj0anc/0ANtZIarV3G33X+nfGcW2aiWW35U"
    "4ZYfFd3yqYlIYDSnpDoczfHMM9jBTN9hNkO4CPYP15cXfKRTIvkNpakT8D9gmV5rXrnUzD"
    "71TYuYdD5nj21tLq9QA4Moo4Z4WO9+HP+cH/En55fH+V0j6+A4P/qTtVdgjslKSTjTtBIA"
    "9AhyOfZz+dBfC/Rj4LPnSTPwl2g6d5x7LWQ7iAz+omSH4a1KS9NGSy37dh3ZnM1HclWMoR"
    "x6eWMMvms8UutZSaX1vmid44ouuJYilpygEzor9agpuGc+pnb28crjrzz+/QS/cY8/Z1Jp"
    "AOWE6Dus6aQuvNmJNIMsfQVw8eP5eb1gCvabi6Jc+TKNaBVJ6U0khQ2symBKNPLqxFO0eM"
    "Rv5vZf2ghQtHU/2Ls5dwDaIOkI3DkYOKwJc6y8ACcWpFaqAZYmmQMILAQ9RLf79wjEg+fd"
    "Tg7s5p9wY98aPqIW9S07C7CcIxuYwbEAG30mgP70wAUKdkNZ9Nk18Yo2M+k1dpO+1h5Ywn"
    "v03Hejy0toEnr5Wdmhgd9S2K4DQ2FMKBNjojM28QPgwxcMI0xZWRZ3UsGkflhEe1XBpLUu"
    "66ojkejQ7+Ii22CwdYJ688Rt3ceYuWyZR7GIdSkTNi/WHR32VVtAN8yFjSagAqTV3opESk"
    "JPxXA9E0WHFCQELVzCmZ9Kv5m0iPpe8t8Lm0m0R6BakFPQ5qFFGDucyOqEWmslUbxYQAbn"
    "WdWsc/rzpDp+tJ50zi8vvoub54NKuYGsSDAd8gZUOKh8GhlmYECFg/6JWq8VDkr8K4IRob"
    "ygClHUiArRxxGoE0Gss1ItGRBPd3S6eZhDypQYyGkZGWw0FeCUAvKKAGfWB7tt4E3kTE3f"
    "gK8dfcsvWptDmyqK3FkUOYxAbI/xadzPsCbsutimF6rNoEa2QwOwniQ9DcrYqItr1sraIj"
    "RvObPGQvPXBLnnzkyiqaKj0HMMXGX4OYVurRB04BiN1dvy2T7sPy60emzOSh27XFuL482N"
    "Po/tYqttGlqhN/er0ejg4M3o1cHR29eHb968fvtq7dYt3qry7x6ffcfcYBlDLPaLVUVT6W"
    "gIABD1ra+FVMob3rklwQMyEh+NORjV2EMcjEr3EOxWPiY0BApAd2ePGo/+G4hA0xIJDSUS"
    "EuR27Do0JO6uVm7qfrmpa+XD8kV9TImEhLNW666lyPhszKckF8N4L7dzTMaaaHKcNvdC8X"
    "6dswNKbeXL9z3RfriFvQ4nQcmCroDBEYIiAbVukpNU8FkWMmqsAvmYqIHChcIzi85tpA6t"
    "/Dp401YVdn4xBrb+pERRjoUU0vWQvjOxRzTR1DFZKfkijq3kjwmyXooinRFSQNcCWvc9ar"
    "vFU3cB7PI0GgXBfqTTkCqPjCLolX8a8u6BFUFPNq3XIegpms1T+0IUA6RVBkidiDrnFHAT"
    "wfV6XqmeGX+1jr0TuC0FIXIRTaBU3IMC3WhLlCSjGqnUCU/MX0l9deVu2+ib3Oi51eJZoF"
    "7GBOwsgYsw2I3E9wCVf/aO/dcDd3QfRe8FJQvpS4ElXAG6v7r+z7lJEIC2AT6Fdg+9UqyE"
    "2Hz3XK9yiutGe63hSl63Uuya3rFrSDjKa5NAwuYSGritpEd9soMo/cZaHZMYKOQV+7enYE"
    "D3DfIGONDqdESf9sZtGqHhpoZjf653O+WmZ7Kpap0yEB+D2GzmZTOoO3qQacdY57LKN880"
    "kIRJEOpFQh6BOumZDwe+fl0nHPj6dXk4kN1TlQueyjR/gJbPgfk90s0FtPhIr2XywZ1Q6E"
    "UkPLyxXQHv+9OTs4/j893Rq73DXE6T9NTCy82mC5Fi0jLyzRcHdQgx5XSYYlV4x0WYmDy/"
    "YTlrICulKAOZ4GQTlAGVQanLDEppC7I4kVfG6nOiEgbrhxuc55xLQDoyHx5ZqDsjKqGiB8"
    "rKqMPFUXl8lPO0D8abIr8M28GnMnU8aaYOxSt6Yr7DmYEWrkPY7voK6Q7OulhLG+1VuaDN"
    "pLmGg/Y1SRATxj4g9GMzgOMT3VmgoLID+HR5PQELaKCogIMNblOv9Jx+l7dg9x65BIwOwd"
    "zxsfesSIFosvMb+8Zm/TFKhekBulmle2fasWknDAr6W20Phlta6AXXlw6+Z1UlZj7Vm7cH"
    "PIc+n+o7Sjx/Y2NER6JHwjdZ93SPVkExCY8xMtjVcMSCYJwG3AzCylVg5FpwFT6JGlp0bJ"
    "YTNfKrCu/gn6Jl9JKWIXigTN6jZK342ZkXrMTWqjB100ISIt18wdM7+nCEXWzy8s1VHdnL"
    "iCmoa0AdZo+hIBqcmEZFlqSMVHdpkkavhlKBgK6xLn0CB9VyN3taZisnez9tV3UAr9eq6J"
    "OTr5Z3NyizhrxHqDkr2Y2an2CnLoWWlZNRORn7BL4kLMKzhetgcjL37fsdnlMndXuv0p0T"
    "NNR01lLAkeO7lgMNZLCjJbSJaQPXRDryAq8LAQs6iYB98NE8BruRWybynrCd75QV2fQc+j"
    "dtCu0V15vT6BNubOadQRi42KF9eECHzKUCqRCpKOH5hzMNYtHoT+U/GYb/hKlKYB8UtlZp"
    "YnnVICnEvJFsQ7zioxlL5LksKxLyjgYGaNXYjDYya/uLLsbHZxfjq1/4uTaPORuf418mp+"
    "Mc5nS+ETSREgllGYlbRtH8vqVBFK61P4R9DQzwutZQMs76ZwQx5EtNoEgtGw0g+gNrmj9j"
    "cHL9E3AwuHjPnBeRoQKmiOJM/1gHi4gD4gSDYLoCEIQmSDF2tW2HLF51ni53vkfv0d/Dgl"
    "c6rzb6blwM/dm/wS2rgK5hZxlURp87S/qzcRDGcsjejR0EsVhfy7njoeiJwDBplywKRZ/I"
    "bC5M+6RdeABiFL2x9442MBz2EyCYQqLPg/4hXlj0LUttro2HTeL0lMW66ZIcJQnHo4RnSY"
    "aRGn3o1dHvHLzgOdQqwi5rCQlNiLc18H1bCu/bYmSL9iyciTKRkSADfQdhWs/8C2nrbUP9"
    "rXRWTpqq2p1sqdNBcvaeQudLUiLqcEnj4TDiEMhJ5lz6GazbP+oL6FnssWm3RuQARBybsB"
    "TQjIw000pjkEZBVwFAUxIKzjycUTpRAThTEgrOPJzevem6QnCmJBSceTjvIDVnRdBMBBSY"
    "eTARxg4WsrQSiX4YWux50hhaAbhFbZSXFlsLyHBuvYp00kZpsdjxKDCXpEXUbFKI2IWO0A"
    "Kc1VyqRErR5XpNpIKEoIXLS6lb+r2kRdT3UrJvUTRTDtTyni33CMSP03pWsgGtD8gA6JGS"
    "a02Wd6ZtevNHqTknqvTcZz2rqi2yzeEctauqLb1jTilO+RNxylPm65qynYuQCiRVyNHEJY"
    "G91ZwKccUNDuMsVYyjnG+WrvtRr3JEUDX0BYhJW4xHtWQpAeKkAwiDBVwB5hwJ+V7AJO/C"
    "BAOIpQ8wWcWHuWkFL1YoHNFY7zc2HRQ+S8CAAVU1YmnW9uIEBhHzLDi4tQrbg1svpNrcgl"
    "0I7k3LYjy14In/iohrN/YUsVwO0Z8MQgBnVNPhK5oEuNDz0BZ0sohiVEIp21QHmd1P5ZXx"
    "WD5Wiaho9D/mA8Ir+bhoxBFxuoetu3e4P80eoJ0jvboI4GFrFeFoXA1TMT1MlSJaUgRL57"
    "PSxKahtIxSSeMqucPOgu1BaRMhlnJeTsrtZL0VuWpJLmSf9PzpH4iXkK+CEJ6ISIjyV1/V"
    "YSvTVqUoB/eyKM/JgsMdLA9px+1VRFs8ok0oqiJYx+0V1uJYzxE0kBh3JiXSj+VTLpYyty"
    "ZuxaYqat8PVUhlySwQgfzj2+XqSMv0QyVSfR0PEJsMIKFPJCOklNK4UiAhUJ8vmNdOd3xe"
    "ssIqZk1BVDFsCtzrYRz5DP3W3fg2mz/xqWrPdFl7hsUsHsMdSsQUoaQ/zIIioUSRaKVWry"
    "LRNrzEW9AjWuCZFvF8ZKWU/0Pc/xHHmsXXIaLWoQFMVIqcXj6FDZPYWIecruissmm9Dp0V"
    "uqZ2j1aCTNaslAxraNv17lL1qAShzgsqtDej3eMijlLhrMjwigzfJ/AbJ8NzlsoGUB675o"
    "ewo2FNJ3XhzZoHJVUc+atjE+hmOpMU4bxVUAPkflYh7SW8zZUhXcfqtjwtE53vGK/7k2h2"
    "ziZCeWgMrNMHiXHCSDddszGsruLuZMWLwBlL39IMWhM4kwmnDs6spSau8tNr2dlt4zk2LT"
    "e7bjzSVo7U5vNbQueqVNEVdq+LoivDyYrc2Z6zlbzIzCJi8ZsAKAGs83IK7/p5qAUCxXFz"
    "VU6Il2wpHIO8abq8olBKSBUV2ntkUaF4oRZzDWalJJwxWvcKLpJsAFtu9VN5BQYGed29fn"
    "a09anEUGYbW241r7e5mw3mZHNdL/1DSImlsEHbMwM2NquAGBf7CVMxsJiuZdLGt9+dTsDL"
    "OMfEy79N48stwIj42PaKlYea775ODobUh8Gq+SijvpdG/TC4250tF83ztg1EoCl0NjORkK"
    "COTNeEOXFKjbRUmuFSZ4qMKWXdKutWWbdbWrdJ4KHcws0EJzZbudnQSD1LFztL4CIMiPNS"
    "119OdR1EaTX2WC3v2OoMandPEasLThCr+73LcozRceMh41lQGDMU4pu7LTzjMXnHgqxrAZ"
    "NB2b/9tH/v6Y8XWVLi9hIuJgc11pKD0qXkIG/4JmNfAN6MkIwYj+qs2LRVOc6jAjVQGUeK"
    "gykT5Moe7cweLRvdDQCs+K09Mv0Zi6bc6I84NpvN/TibT6v0j6IZTR+rDOieGtAkHDt118"
    "GouYRr336t7In7FdkT94vZE5Vpp0w7mSBXpp0y7QaDcs9Nu4wWOMZdXkvl5l36h/aM3tvf"
    "sgkZ0OSrnSDK9G2W5fu0hnX7dp3K+1GO/jAzQJTl/ShYPLXOsoWnOrc8QVP77GvfhkCtU0"
    "bJucxtYRI5xDpwqDTsNwfXlS8tYtGp1C2hqn94d8ggafyc4I8ASrKzfk2ftZX6kK0Z1Chs"
    "pNDhD85UVpTSZQUfD5N8DpLsgS7fdRltZ3vT4DrpSSaw2vRKpCHjOCVyiJb7JPJK3MwtG9"
    "sxXys4zZDenwObzr84KGVJbzpgl1pB/pRJT1n1yqlD9/bsH7qzcC2KFPs3/YU+tJ4V+WUt"
    "PofjPNlIKquMnAmfvOivvyU9IORztwRKFVHHWkDCWEMrLCnFR+sKaYygx4szlMOcSEiIsT"
    "pTNPAzRU8WhO9ZSq/WU4kqp/g/xCmumBd9Yl4odoCE7IAxwqY+3+FswaM7e1W7b5i06Q0V"
    "4J9C6NwyGU/5HvMBYY/7iZfPsCkRCWfWVtJJsY9KAOGouYTotkOcKEswVV5fszy9VAfVNd"
    "tfqHjgNlZHU4C90Pxi9uX/xRZvdg=="
)
