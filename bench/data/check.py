"""Sanity check for news-tr.json / news-en.json (SQuAD v2.0 shape).

Run: python3 bench/data/check.py
Exits non-zero on any problem.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TR_LETTERS = set("çğıöşüÇĞİÖŞÜ")


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def main():
    errors = []
    tr, en = load("news-tr.json"), load("news-en.json")
    n_art = n_ans = n_imp = 0
    seen = set()
    if len(tr["data"]) != len(en["data"]):
        errors.append("article count differs between files")
    for fname, d in (("tr", tr), ("en", en)):
        if "version" not in d:
            errors.append(f"{fname}: no version")
    for a_tr, a_en in zip(tr["data"], en["data"], strict=False):
        n_art += 1
        if a_tr["title"] != a_en["title"]:
            errors.append(f"title differs: {a_tr['title']!r}")
        if len(a_tr["paragraphs"]) != 1 or len(a_en["paragraphs"]) != 1:
            errors.append(f"{a_tr['title']!r}: expected exactly one context")
        p_tr, p_en = a_tr["paragraphs"][0], a_en["paragraphs"][0]
        ctx = p_tr["context"]
        if ctx != p_en["context"]:
            errors.append(f"{a_tr['title']!r}: contexts differ between files")
        npara = len(ctx.split("\n\n"))
        if not 3 <= npara <= 5:
            errors.append(f"{a_tr['title']!r}: {npara} paragraphs")
        ids_tr = [q["id"] for q in p_tr["qas"]]
        ids_en = [q["id"] for q in p_en["qas"]]
        if ids_tr != ids_en:
            errors.append(f"{a_tr['title']!r}: ids differ between files")
        a_cnt = i_cnt = ascii_q = 0
        for q_tr, q_en in zip(p_tr["qas"], p_en["qas"], strict=False):
            qid = q_tr["id"]
            if qid in seen:
                errors.append(f"duplicate id {qid}")
            seen.add(qid)
            if not (set(q_tr["question"]) & TR_LETTERS):
                ascii_q += 1
            for lang, q, c in (("tr", q_tr, ctx), ("en", q_en, p_en["context"])):
                if not q["question"].strip():
                    errors.append(f"{qid}/{lang}: empty question")
                if q["is_impossible"]:
                    if q["answers"]:
                        errors.append(f"{qid}/{lang}: impossible but has answers")
                else:
                    if len(q["answers"]) != 1:
                        errors.append(f"{qid}/{lang}: {len(q['answers'])} answers (want 1)")
                    for ans in q["answers"]:
                        s, t = ans["answer_start"], ans["text"]
                        if c[s:s + len(t)] != t:
                            errors.append(f"{qid}/{lang}: span mismatch {t!r} vs {c[s:s + len(t)]!r}")
            if q_tr["is_impossible"] != q_en["is_impossible"] or q_tr["answers"] != q_en["answers"]:
                errors.append(f"{qid}: answers differ between tr and en")
            if q_tr["is_impossible"]:
                i_cnt += 1
            else:
                a_cnt += 1
        n_ans += a_cnt
        n_imp += i_cnt
        print(f"{ids_tr[0].split('-')[0]}: {npara} paragraphs, {len(ctx)} chars, "
              f"{a_cnt} answerable, {i_cnt} unanswerable, {ascii_q} typed without Turkish letters"
              f" | {a_tr['title']}")
    print(f"TOTAL: {n_art} articles, {n_ans + n_imp} questions per language "
          f"({n_ans} answerable, {n_imp} unanswerable); ids match between tr and en: "
          f"{not any('ids differ' in e for e in errors)}")
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("OK: all answer spans match context[answer_start:answer_start+len(text)] in both files")


if __name__ == "__main__":
    main()
