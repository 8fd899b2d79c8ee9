"""manage.py generate_scale --committees N --years Y — synthetic province-scale data (issue 8)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luzhi.scale import province as scale


class Command(BaseCommand):
    help = "生成规模测试数据：一个省（1省、14市、85县，共100个政协）及其多年的委员、活动、提案、社情民意等记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--committees", type=int, default=100, help="政协个数（默认100：1省14市85县）")
        parser.add_argument("--years", type=int, default=10, help="年数，截至今年（默认10）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：同样的参数生成同样的数据")

    def handle(self, *args: Any, committees: int, years: int, seed: int, **options: Any) -> None:
        verbose = options["verbosity"] > 0
        try:
            result = scale.generate(
                committees=committees,
                years=years,
                seed=seed,
                progress=(lambda line: self.stdout.write(line)) if verbose else (lambda line: None),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {result.committees} 个政协、{total:,} 行记录，用时 {result.seconds:.0f} 秒。")
        )
        if verbose:
            for label, n in sorted(result.counts.items()):
                self.stdout.write(f"  {label:36} {n:>12,}")
            self.stdout.write(
                f"登录：s0000_office / s0000_leader / s0000_member / s0000_unit（省政协；其余政协按序号 s0001_…），"
                f"密码 {scale.PASSWORD}"
            )
