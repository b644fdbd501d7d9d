from welfare.core.demo import (
    DEMO_COMMUNE,
    DEMO_OTHER_COMMUNE,
    DEMO_PASSWORD,
    DEMO_PROVINCE,
    DemoContext,
    demo_step,
)

from .services import user_save

DEMO_USERS = [
    # username, role, areas, full name
    ("canbo", "officer", {"commune_codes": [DEMO_COMMUNE]}, "Hoàng Thị Lan"),
    ("canbo2", "officer", {"commune_codes": [DEMO_OTHER_COMMUNE]}, "Vi Văn Minh"),
    ("lanhdao", "head", {"province_code": DEMO_PROVINCE}, "Nguyễn Văn Hùng"),
    ("quantri", "admin", {}, "Quản trị hệ thống"),
]


@demo_step(order=0)
def demo_users(ctx: DemoContext) -> str:
    for username, role, areas, name in DEMO_USERS:
        ctx.users[username] = user_save(
            username=username, role=role, password=DEMO_PASSWORD, full_name=name, **areas
        )
    return f"{len(DEMO_USERS)} demo users"
