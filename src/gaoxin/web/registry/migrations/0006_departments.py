# Departments as data (issue 16): the offices that send a zone its data and the fields each usually
# supplies, seeded with the departments the import page offered before (services.imports.DEPARTMENTS)
# and their template columns (bulk_io.DEPARTMENT_FIELDS). Hand-written; kept in the fixed chain.

from django.db import migrations, models

import gaoxin.web.registry.models

# (code, name, English name, fields) in the order the pages list them; "kind" stands for the
# qualification sheet (the department that certifies firms supplies their qualifications).
SEED = (
    (
        "science",
        "科技局",
        "Science and Technology Bureau",
        [
            "tech_field",
            "tech_staff",
            "rd_staff",
            "hightech_revenue",
            "tech_contract_value",
            "tech_transfers",
            "rd_institution",
            "awards",
            "gov_projects",
            "standards_led",
            "equity_financing",
            "national_award_rank",
            "provincial_award_rank",
            "standards_participated",
            "innovation_title",
            "valuation",
            "kind",
        ],
    ),
    (
        "tax",
        "税务局",
        "Tax Bureau",
        [
            "revenue",
            "main_revenue",
            "total_costs",
            "net_profit",
            "net_assets",
            "total_assets",
            "total_liabilities",
            "taxes_paid",
            "rd_expense",
            "rd_expense_domestic",
        ],
    ),
    (
        "market",
        "市场监管局",
        "Market Regulation Bureau",
        [
            "established",
            "industry",
            "listed_board",
            "admin_penalties",
            "serious_dishonesty",
            "abnormal_operation",
            "prohibited_industry",
        ],
    ),
    (
        "ip",
        "知识产权局",
        "Intellectual Property Office",
        [
            "invention_patents",
            "other_class1_ip",
            "utility_models",
            "design_patents",
            "software_copyrights",
            "class1_ip_self_developed",
            "class1_ip_high_value",
        ],
    ),
    (
        "statistics",
        "统计局",
        "Statistics Bureau",
        ["employees", "graduates_hired", "revenue", "main_revenue"],
    ),
    ("hr", "人社局", "Human Resources and Social Security Bureau", []),
    ("committee", "园区管委会", "Zone Administrative Committee", []),
    (
        "industry",
        "工信局",
        "Industry and Information Technology Bureau",
        [
            "niche_years",
            "niche_market_share",
            "major_incident",
            "digital_level",
            "chain_role",
            "key_field",
            "strategic_emerging",
            "market_rank",
            "maker_china_rank",
            "development_score",
            "quality_certified",
            "own_brand",
            "quality_award",
            "kind",
        ],
    ),
)


def seed(apps, schema_editor):
    Department = apps.get_model("registry", "Department")
    for order, (code, name, name_en, fields) in enumerate(SEED, start=1):
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "fields": fields, "order": order * 10}
        )


def unseed(apps, schema_editor):
    apps.get_model("registry", "Department").objects.filter(code__in=[s[0] for s in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_import_problems"),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("name_en", models.CharField(blank=True, max_length=200, verbose_name="English name")),
                (
                    "fields",
                    models.JSONField(
                        blank=True,
                        default=list,
                        validators=[gaoxin.web.registry.models.validate_department_fields],
                        verbose_name="fields it usually supplies",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={"verbose_name": "department", "ordering": ["order", "code"]},
        ),
        migrations.RunPython(seed, unseed),
    ]
