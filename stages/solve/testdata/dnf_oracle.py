# Resolve batches of install requests with dnf (python3-dnf) for the solve
# package's oracle test. Reads one JSON document on stdin:
#   {"root": dir, "cases": [{"repos": [{"id", "path", "priority"}],
#     "excludes": [...], "weak": bool, "requests": [[spec, ...], ...]}]}
# and prints one JSON line per request: {"ok": true, "pkgs": [nevra@repo]}
# or {"ok": false, "err": "..."}.
import json, os, sys
import dnf, dnf.exceptions

def nevra(p):
    e = "%s:" % p.epoch if p.epoch else ""
    return "%s-%s%s-%s.%s@%s" % (p.name, e, p.version, p.release, p.arch, p.reponame)

def run_case(root, n, case):
    base = dnf.Base()
    c = base.conf
    c.installroot = os.path.join(root, "root%d" % n)
    c.cachedir = os.path.join(root, "cache%d" % n)
    c.persistdir = os.path.join(root, "persist%d" % n)
    c.logdir = os.path.join(root, "log%d" % n)
    for d in (c.installroot, c.cachedir, c.persistdir, c.logdir):
        os.makedirs(d, exist_ok=True)
    c.reposdir = []
    c.best = True
    c.install_weak_deps = bool(case.get("weak"))
    c.multilib_policy = "best"
    c.obsoletes = True
    c.gpgcheck = False
    c.arch = "x86_64"
    c.excludepkgs = case.get("excludes") or []
    c.substitutions["releasever"] = "1"
    if not case["requests"]:
        return
    for r in case["repos"] or []:
        base.repos.add_new_repo(r["id"], c, baseurl=["file://" + r["path"]],
                                priority=r["priority"], gpgcheck=False)
    base.fill_sack(load_system_repo=False)
    for req in case["requests"]:
        base.reset(goal=True)
        try:
            for spec in req:
                base.install(spec)
            base.resolve()
            pkgs = sorted(nevra(p) for p in base.transaction.install_set)
            print(json.dumps({"ok": True, "pkgs": pkgs}))
        except dnf.exceptions.Error as e:
            print(json.dumps({"ok": False, "err": str(e)}))
        sys.stdout.flush()
    base.close()

def main():
    doc = json.load(sys.stdin)
    for n, case in enumerate(doc["cases"]):
        run_case(doc["root"], n, case)

main()
