"""Validates rootsweep findings files with an independent OCSF implementation (py-ocsf-models).

Usage: python3 validate_ocsf.py FILE...  Every finding must load into the package's
DetectionFinding model without error, and the model must keep every attribute the finding
carries (an attribute the model does not know would be dropped silently: that is an error too).
Exits 1 on the first file with a problem, after naming every problem in it.
"""

import json
import sys

from py_ocsf_models.events.findings.detection_finding import DetectionFinding


def differences(given, kept, path="$"):
    """Where `kept` (the model's dump) differs from `given` (the file's finding)."""
    if isinstance(given, dict) and isinstance(kept, dict):
        out = []
        for key, value in given.items():
            if key not in kept:
                out.append(f"{path}.{key}: not an attribute of the model")
            else:
                out.extend(differences(value, kept[key], f"{path}.{key}"))
        return out
    if isinstance(given, list) and isinstance(kept, list) and len(given) == len(kept):
        out = []
        for i, (g, k) in enumerate(zip(given, kept)):
            out.extend(differences(g, k, f"{path}[{i}]"))
        return out
    return [] if given == kept else [f"{path}: {given!r} became {kept!r}"]


def main(paths):
    total = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            findings = json.load(f)
        if not isinstance(findings, list) or not findings:
            print(f"{path}: not a non-empty JSON array of findings")
            return 1
        problems = []
        for i, finding in enumerate(findings):
            try:
                model = DetectionFinding.model_validate(finding)
            except Exception as e:  # pydantic's ValidationError names every field at fault
                problems.append(f"finding {i}: {e}")
                continue
            kept = model.model_dump(mode="json", exclude_unset=True)
            problems.extend(f"finding {i}: {d}" for d in differences(finding, kept))
        if problems:
            print(f"{path}:")
            print("\n".join(problems))
            return 1
        total += len(findings)
    print(f"{total} findings valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
