"""Synthetic people of Guangxi for demos: names, ID numbers, phones and addresses.

Everything comes from a caller's ``random.Random`` so a seed gives the same people every
time. ID numbers follow GB 11643 (Guangxi region prefix, a real birth date, the check
character); names mix common Han surnames, Zhuang, Yao, Miao and Dong naming patterns, and
rare characters (some outside the Basic Multilingual Plane) that screens and exports must
carry intact. Nothing here is a real person.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.codes.idnumber import check_character

# GB/T 2260 county-level codes in Guangxi (Nanning, Liuzhou, Guilin, Wuzhou, Beihai,
# Fangchenggang, Qinzhou, Guigang, Yulin, Baise, Hezhou, Hechi, Laibin, Chongzuo).
REGIONS = (
    "450102", "450103", "450105", "450107", "450108", "450109", "450110", "450123",
    "450202", "450203", "450204", "450205", "450206", "450302", "450303", "450305",
    "450311", "450403", "450405", "450502", "450503", "450512", "450602", "450603",
    "450681", "450702", "450703", "450802", "450803", "450902", "450903", "451002",
    "451003", "451102", "451202", "451203", "451302", "451402", "451481",
)
HAN_SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢唐冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程"
# Surnames common among the Zhuang, Yao, Miao and Dong peoples of Guangxi.
MINORITY_SURNAMES = "韦覃蒙莫农陆黎卢廖岑蓝闭凌盘磨班银"
RARE_SURNAMES = ("𠮷", "昇", "堃")
GIVEN_CHARS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰春梅海燕建国志红宁"
               "德成金凤丹琳思雨欣怡子轩浩宇晨博文佳")
RARE_GIVEN = ("䶮", "堃", "赟", "昇", "喆", "淼", "犇", "垚", "𠀋", "𡒄", "镕", "彧", "玥")
# Zhuang names often follow a birth-order pattern (达 for daughters, 特 for sons) and Yao
# names a generational middle character; both appear in registers as written here.
ZHUANG_PREFIXES = ("特", "达", "佬", "乜")
ZHUANG_SECOND = "英芬林弟妹灵光美"
LATIN_FAMILY = ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU", "DANG", "BUI")
LATIN_GIVEN = ("VAN AN", "THI HOA", "MINH DUC", "THI LAN", "QUANG HUY", "THU TRANG")
STREETS = ("民族大道", "友爱路", "星光大道", "朝阳路", "桃源路", "双拥路", "竹溪大道",
           "园湖路", "明秀路", "大学东路", "江南大道", "白沙大道")
COMMUNITIES = ("新竹小区", "南湖名都", "凤岭北苑", "仙葫新村", "琅东小区", "荣和山水",
               "金湖苑", "碧园花园", "佛子岭社区", "长湖景苑")


@dataclass(frozen=True)
class Person:
    """One synthetic person."""

    name: str
    id_number: str
    phone: str
    address: str
    foreign: bool = False

    @property
    def masked_doc(self) -> str:
        """The document number as a GX1 code carries it (first 3, last 4)."""
        return self.id_number[:3] + "*" * (len(self.id_number) - 7) + self.id_number[-4:]

    @property
    def person_ref(self) -> str:
        """The pseudonymous reference a code carries for this person."""
        digest = hashlib.sha256(("p/" + self.id_number).encode()).hexdigest()[:24]
        return f"CN-GX/{digest}"

    @property
    def id_ref(self) -> str:
        """The reference a manual ID entry stores (hash of the number, as the status list)."""
        return "ID/" + hashlib.sha256(self.id_number.encode()).hexdigest()[:32]


def id_number(rng: random.Random, born: date, female: bool) -> str:
    """A GB 11643 number: Guangxi region, birth date, sequence (odd for men), check char."""
    region = rng.choice(REGIONS)
    seq = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def birth_date(rng: random.Random, today: date) -> date:
    """An age profile of people passing a checkpoint: mostly working age, some old and young."""
    bucket = rng.random()
    if bucket < 0.12:
        years = rng.randint(3, 17)
    elif bucket < 0.80:
        years = rng.randint(18, 59)
    else:
        years = rng.randint(60, 92)
    return today - timedelta(days=years * 365 + rng.randrange(0, 365))


def han_name(rng: random.Random) -> str:
    """A name: surname (common, minority or rare) and one or two given characters."""
    roll = rng.random()
    if roll < 0.62:
        surname = rng.choice(HAN_SURNAMES)
    elif roll < 0.97:
        surname = rng.choice(MINORITY_SURNAMES)
    else:
        surname = rng.choice(RARE_SURNAMES)
    style = rng.random()
    if style < 0.06:
        given = rng.choice(ZHUANG_PREFIXES) + rng.choice(ZHUANG_SECOND)
    elif style < 0.14:
        given = rng.choice(RARE_GIVEN) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.5 else "")
    elif style < 0.45:
        given = rng.choice(GIVEN_CHARS)
    else:
        given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return surname + given


def phone(rng: random.Random) -> str:
    """A mainland mobile number."""
    prefix = rng.choice(("134", "135", "136", "137", "138", "139", "150", "151", "152",
                         "177", "180", "181", "186", "187", "188", "189", "191", "199"))
    return prefix + f"{rng.randrange(0, 10**8):08d}"


def address(rng: random.Random) -> str:
    """A street address in a Nanning community."""
    flat = f"{rng.randint(1, 24)}栋{rng.randint(1, 32)}0{rng.randint(1, 4)}"
    return f"南宁市{rng.choice(STREETS)}{rng.randint(1, 199)}号{rng.choice(COMMUNITIES)}{flat}"


def make_person(rng: random.Random, today: date) -> Person:
    """One person; about one in a hundred is a traveller with a Latin-script name."""
    female = rng.random() < 0.5
    born = birth_date(rng, today)
    number = id_number(rng, born, female)
    if rng.random() < 0.01:
        name = f"{rng.choice(LATIN_FAMILY)} {rng.choice(LATIN_GIVEN)}"
        passport = rng.choice("CBE") + f"{rng.randrange(0, 10**8):08d}"
        return Person(name, passport, phone(rng), address(rng), foreign=True)
    return Person(han_name(rng), number, phone(rng), address(rng))


def make_people(rng: random.Random, count: int, today: date) -> list[Person]:
    """``count`` distinct people (distinct ID numbers)."""
    seen: set[str] = set()
    people: list[Person] = []
    while len(people) < count:
        person = make_person(rng, today)
        if person.id_number not in seen:
            seen.add(person.id_number)
            people.append(person)
    return people
