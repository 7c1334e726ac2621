"""The demo's 向上争取 items (示例数据): 2017 rounds of national and provincial programmes, some decided,
some applied for, a few still being researched with deadlines around the turn of the year so the
dashboard of late 2017 lists them. Names follow the programmes of the time; amounts are invented.
A second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

D = dt.date
# (title, programme, level, issuer, window start, deadline, owner unit code, person, sought 万元,
#  final status, obtained 万元, applied on, decided on)
ITEMS = [
    ("岳阳绿色化工产业园循环化改造", "园区循环化改造中央预算内投资", "national", "国家发展改革委、财政部",
     D(2017, 3, 1), D(2017, 4, 30), "430603", "园区管委会 周明", "8000", "approved", "5000", D(2017, 4, 20),
     D(2017, 8, 15)),
    ("长江岸线化工企业搬迁改造（临湘）", "长江经济带绿色发展专项", "national", "国家发展改革委",
     D(2017, 5, 1), D(2017, 6, 30), "430682", "临湘市发改局 李强", "12000", "applying", None, D(2017, 6, 26), None),
    ("智能制造新模式应用（岳阳林纸）", "工业转型升级（中国制造2025）资金", "national", "工业和信息化部、财政部",
     D(2017, 4, 10), D(2017, 5, 31), "D430600-GXJ", "市工信局 王芳", "3000", "rejected", None, D(2017, 5, 25),
     D(2017, 9, 30)),
    ("国家新型工业化产业示范基地（石化）", "国家新型工业化产业示范基地", "national", "工业和信息化部",
     D(2017, 8, 1), D(2017, 9, 30), "D430600-GXJ", "市工信局 刘洋", "500", "approved", "500", D(2017, 9, 20),
     D(2017, 12, 1)),
    ("长江经济带生态修复：沿江工业园区污水管网", "长江经济带生态保护修复中央预算内投资", "national",
     "国家发展改革委", D(2017, 11, 15), D(2018, 1, 15), "430600", "市新型工业化办公室 陈静", "15000",
     "researching", None, None, None),
    ("先进制造业和现代服务业融合试点", "国家服务型制造示范", "national", "工业和信息化部",
     D(2017, 11, 1), D(2017, 12, 28), "D430600-GXJ", "市工信局 王芳", "800", "researching", None, None, None),
    ("制造强省重点项目：华容纺织产业园", "湖南省制造强省专项资金", "provincial", "湖南省经信委、财政厅",
     D(2017, 3, 1), D(2017, 3, 31), "430623", "华容县工信局 赵敏", "1500", "approved", "800", D(2017, 3, 28),
     D(2017, 6, 30)),
    ("中小企业公共服务平台", "湖南省中小企业发展专项", "provincial", "湖南省经信委",
     D(2017, 4, 1), D(2017, 4, 30), "430602", "岳阳楼区工信局 孙丽", "300", "approved", "200", D(2017, 4, 27),
     D(2017, 7, 20)),
    ("移动互联网产业园（岳阳县）", "湖南省移动互联网产业发展专项", "provincial", "湖南省经信委",
     D(2017, 6, 1), D(2017, 7, 15), "430621", "岳阳县工信局 钱伟", "600", "rejected", None, D(2017, 7, 10),
     D(2017, 10, 10)),
    ("汨罗再生资源回收体系建设", "湖南省两型社会建设专项", "provincial", "湖南省发展改革委",
     D(2017, 8, 1), D(2017, 9, 15), "430681", "汨罗市发改局 吴刚", "1000", "applying", None, D(2017, 9, 12), None),
    ("湘阴装备制造企业技术改造", "湖南省技术改造专项", "provincial", "湖南省经信委",
     D(2017, 11, 20), D(2017, 12, 20), "430624", "湘阴县工信局 郑华", "1200", "researching", None, None, None),
    ("平江食品加工园标准厂房", "湖南省产业园区发展专项", "provincial", "湖南省商务厅",
     D(2017, 12, 1), D(2018, 1, 31), "430626", "平江县工信局 冯涛", "900", "researching", None, None, None),
    ("君山工业园区创新创业服务平台", "湖南省创新型省份建设专项", "provincial", "湖南省科技厅",
     D(2017, 9, 1), D(2017, 10, 31), "430611", "君山区科工局 何燕", "400", "researching", None, None, None),
]


def load_demo(out: TextIO) -> None:
    from newind.funding.models import Opportunity
    from newind.units.models import Unit

    if Opportunity.objects.filter(is_synthetic=True).exists():
        out.write("示例数据：向上争取事项已存在。\n")
        return
    units = {u.code: u for u in Unit.objects.filter(code__in={row[6] for row in ITEMS} | {"430600"})}
    if "430600" not in units:
        out.write("示例数据：没有岳阳市的单位档案，未登记向上争取事项。\n")
        return
    items = []
    for number, (title, programme, level, issuer, start, deadline, owner, person, sought, status, obtained,
                 applied, decided) in enumerate(ITEMS, start=1):
        items.append(Opportunity(
            code=f"XZ2017-{number:03d}", title=title, programme=programme, level=level, issuer=issuer,
            window_start=start, deadline=deadline, owner_unit=units.get(owner, units["430600"]),
            owner_person=person, amount_sought=Decimal(sought), status=status,
            amount_obtained=Decimal(obtained) if obtained else None, applied_on=applied, decided_on=decided,
            note="示例数据", is_synthetic=True))
    # Written at once (a demo's registration, not a unit's): the audit log records the batch.
    Opportunity.objects.bulk_create(items)
    from newind.audit.services import record

    record("funding.demo", user=None, summary=f"示例数据：登记{len(items)}项向上争取事项", object_type="funding.opportunity")
    out.write(f"示例数据：{len(items)}项向上争取事项（国家、省级资金申报）。\n")
