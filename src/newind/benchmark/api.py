from ninja import Router

router = Router(tags=["对标分析"])
