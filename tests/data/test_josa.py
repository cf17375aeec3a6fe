"""Korean particles chosen by how the word before them ends when read aloud."""

from __future__ import annotations

import re

import pytest

from wreport.data.josa import attach


@pytest.mark.parametrize("word, particle, expected", [
    # Hangul: a final consonant or not; (으)로 treats ㄹ like a vowel
    ("원주", "은/는", "원주는"), ("한국", "은/는", "한국은"), ("연세대학교", "이/가", "연세대학교가"),
    ("보건복지부", "을/를", "보건복지부를"), ("실리콘밸리", "과/와", "실리콘밸리와"), ("스웨덴왕립공대", "과/와", "스웨덴왕립공대와"),
    ("테크노밸리", "(으)로", "테크노밸리로"), ("동화첨단의료기기산업단지", "(으)로", "동화첨단의료기기산업단지로"),
    ("서울", "(으)로", "서울로"), ("서울", "이/가", "서울이"), ("집", "(으)로", "집으로"),
    # the two forms in either order
    ("원주", "는/은", "원주는"), ("한국", "로/으로", "한국으로"), ("한국", "으로/로", "한국으로"),
    # figures in the house style: counters, units, plain numbers read as Koreans read them
    ("75개", "이/가", "75개가"), ("380여 명", "을/를", "380여 명을"), ("286억 원", "(으)로", "286억 원으로"),
    ("4억 3,500만 달러", "을/를", "4억 3,500만 달러를"), ("47.3%", "을/를", "47.3%를"), ("429,000㎡", "(으)로", "429,000㎡로"),
    ("429,000 m²", "이/가", "429,000 m²가"),
    ("1", "이/가", "1이"), ("2", "이/가", "2가"), ("3", "은/는", "3은"), ("6", "을/를", "6을"), ("7", "(으)로", "7로"),
    ("8", "(으)로", "8로"), ("9", "과/와", "9와"), ("0", "이/가", "0이"), ("2.5", "이/가", "2.5가"), ("2.0", "이/가", "2.0이"),
    ("10", "이/가", "10이"), ("100", "을/를", "100을"), ("1,000", "은/는", "1,000은"), ("20000", "(으)로", "20000으로"),
    ("300000000", "이/가", "300000000이"), ("1000000000000", "이/가", "1000000000000가"), ("999", "이/가", "999가"),
    # Latin letters by their Korean names (엘, 알, 엠, 엔 end in a consonant)
    ("OEM", "과/와", "OEM과"), ("ODM", "(으)로", "ODM으로"), ("WHO", "이/가", "WHO가"), ("IoT", "을/를", "IoT를"),
    ("KIMES", "은/는", "KIMES는"), ("Excel", "(으)로", "Excel로"), ("HIRA", "은/는", "HIRA는"), ("PCR", "을/를", "PCR을"),
    # what the ear skips at the end: brackets, quotes, escapes
    ("산업자원부(MOCIE)", "이/가", "산업자원부(MOCIE)가"), ("한국산업단지공단 (KICOX)", "은/는", "한국산업단지공단 (KICOX)은"),
    ("'산업단지 혁신클러스터 선포식'", "을/를", "'산업단지 혁신클러스터 선포식'을"), ("“메디스트리”", "이/가", "“메디스트리”가"),
    # longer particles and the copula
    ("서울", "(으)로서", "서울로서"), ("단지", "(으)로는", "단지로는"), ("380여 명", "(이)었다", "380여 명이었다"),
    ("5억 달러", "(이)었고", "5억 달러였고"), ("286억 원", "(이)다", "286억 원이다"), ("시스타", "(이)다", "시스타다"),
    ("원주", "(이)며", "원주며"),
])
def test_particle_fits_the_word(word, particle, expected):
    assert attach(word, particle) == expected


@pytest.mark.parametrize("particle", ["의", "에서", "은", "(으)", "(이)", "을/가"])
def test_unknown_particle_lists_the_known_ones(particle):
    with pytest.raises(ValueError, match=rf"unknown particle '{re.escape(particle)}'; use one of: 은/는"):
        attach("원주", particle)


@pytest.mark.parametrize("word", ["黃金", "→", "", "(MOCIE)"])
def test_an_ending_that_cannot_be_read_is_refused(word):
    with pytest.raises(ValueError, match=r"cannot tell how|nothing to attach"):
        attach(word, "이/가")
