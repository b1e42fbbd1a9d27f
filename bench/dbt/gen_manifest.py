#!/usr/bin/env python3
"""Writes a valid dbt manifest (schema v12) of about 100 MB: about 50,000 nodes with realistic
fan-in and fan-out (sources -> staging -> intermediate -> marts -> exposures), each carrying the
SQL, columns and config a real project's nodes carry.

    python3 bench/dbt/gen_manifest.py OUT.json [--nodes 50000 | --models 40000] [--columns 3] [--seed 1]

--models N sets the node count so that N of them are models (80% of the nodes are); --columns K
is the most columns a node documents (each node has 1..K), which sets the size per node.
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--nodes", type=int, default=50000)
    ap.add_argument("--models", type=int, help="the number of models (sets --nodes)")
    ap.add_argument("--columns", type=int, default=3, help="the most columns of one node")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    n = args.nodes if args.models is None else (args.models * 100 + 79) // 80
    counts = {
        "source": n * 10 // 100,
        "seed": n * 2 // 100,
        "staging": n * 30 // 100,
        "intermediate": n * 30 // 100,
        "mart": n * 20 // 100,
        "snapshot": n * 3 // 100,
        "exposure": n * 5 // 100,
    }
    project = "bench"
    packages = [project] + [f"pkg_{i}" for i in range(4)]

    def columns(k):
        return {
            f"col_{i}": {
                "name": f"col_{i}", "description": "",
                "meta": {}, "data_type": rnd.choice(["varchar", "integer", "timestamp", "numeric"]),
                "constraints": [], "quote": None, "tags": [], "granularity": None, "doc_blocks": [],
            }
            for i in range(k)
        }

    def sql(name, parents):
        refs = "\n".join(f"    left join {{{{ ref('{p.split('.')[-1]}') }}}} as p{i} using (id)"
                         for i, p in enumerate(parents))
        body = ",\n".join(f"    coalesce(p0.col_{i}, 0) as col_{i}" for i in range(2))
        return f"-- {name}\nwith base as (\n  select\n{body}\n  from source_table\n{refs}\n)\nselect * from base\n"

    def node(kind, name, layer, parents, package):
        uid = f"{kind}.{package}.{name}"
        path = f"models/{layer}/{name}.sql" if kind == "model" else f"{kind}s/{name}.sql"
        code = sql(name, parents)
        return uid, {
            "database": "ANALYTICS", "schema": layer.upper(), "name": name, "resource_type": kind,
            "package_name": package, "path": path, "original_file_path": path, "unique_id": uid,
            "fqn": [package, layer, name], "alias": name,
            "checksum": {"name": "sha256", "checksum": "%064x" % rnd.getrandbits(256)},
            "config": {"enabled": True, "alias": None, "schema": None, "database": None, "tags": [layer],
                       "meta": {"owner": f"team_{rnd.randrange(20)}"},
                       "materialized": "ephemeral" if layer == "intermediate" and rnd.random() < 0.1
                       else ("table" if layer == "marts" else "view"),
                       "persist_docs": {}, "post-hook": [], "pre-hook": [], "quoting": {},
                       "on_schema_change": "ignore", "access": "protected"},
            "tags": [layer], "description": f"The {layer} model {name}, built from {len(parents)} inputs.",
            "columns": columns(rnd.randrange(1, args.columns + 1)), "meta": {"owner": f"team_{rnd.randrange(20)}"},
            "group": None, "docs": {"show": True, "node_color": None}, "patch_path": None,
            "build_path": None, "unrendered_config": {"materialized": "view"}, "created_at": 1700000000.0,
            "relation_name": f'"ANALYTICS"."{layer.upper()}"."{name}"', "raw_code": code,
            "doc_blocks": [], "language": "sql", "refs": [{"name": p.split(".")[-1], "package": None, "version": None}
                                                          for p in parents if p.startswith("model.")],
            "sources": [], "metrics": [], "depends_on": {"macros": ["macro.dbt.run_query"], "nodes": parents},
            "compiled_path": f"target/compiled/{path}", "compiled": False,
            "extra_ctes_injected": True, "extra_ctes": [], "contract": {"enforced": False, "alias_types": True,
                                                                        "checksum": None},
            "access": "protected", "constraints": [], "version": None, "latest_version": None,
            "deprecation_date": None,
        }

    nodes, sources, exposures = {}, {}, {}
    layer_ids = {}
    ids = []
    for i in range(counts["source"]):
        sname = f"src_{i // 50}"
        name = f"table_{i}"
        uid = f"source.{project}.{sname}.{name}"
        sources[uid] = {
            "database": "RAW", "schema": sname.upper(), "name": name, "resource_type": "source",
            "package_name": project, "path": f"models/staging/{sname}.yml",
            "original_file_path": f"models/staging/{sname}.yml", "unique_id": uid,
            "fqn": [project, "staging", sname, name], "source_name": sname,
            "source_description": "Loaded by the ingestion tool.", "loader": "fivetran", "identifier": name,
            "quoting": {"database": None, "schema": None, "identifier": None, "column": None},
            "loaded_at_field": "_loaded_at", "loaded_at_query": None,
            "freshness": {"warn_after": {"count": 12, "period": "hour"},
                          "error_after": {"count": 24, "period": "hour"}, "filter": None},
            "external": None, "description": f"Raw table {name}.", "columns": columns(rnd.randrange(1, args.columns + 1)),
            "meta": {}, "source_meta": {}, "tags": ["raw"],
            "config": {"enabled": True, "event_time": None}, "patch_path": None, "unrendered_config": {},
            "relation_name": f'"RAW"."{sname.upper()}"."{name}"', "created_at": 1700000000.0,
            "unrendered_database": None, "unrendered_schema": None, "doc_blocks": [],
        }
        ids.append(uid)
    layer_ids["source"] = list(sources)
    seeds = []
    for i in range(counts["seed"]):
        uid, body = node("seed", f"seed_{i}", "seeds", [], project)
        nodes[uid] = body
        seeds.append(uid)

    def layer(name, count, inputs, fan_lo, fan_hi, kind="model"):
        out = []
        for i in range(count):
            k = min(len(inputs), rnd.randint(fan_lo, fan_hi))
            # Realistic skew: a few popular inputs feed many nodes.
            parents = sorted({inputs[min(int(rnd.paretovariate(1.2)) - 1, len(inputs) - 1)
                                     if rnd.random() < 0.3 else rnd.randrange(len(inputs))]
                              for _ in range(k)})
            uid, body = node(kind, f"{name}_{i}", name, parents, rnd.choice(packages) if kind == "model" else project)
            nodes[uid] = body
            out.append(uid)
        return out

    staging = layer("staging", counts["staging"], layer_ids["source"] + seeds, 1, 2)
    intermediate = layer("intermediate", counts["intermediate"], staging, 2, 5)
    marts = layer("marts", counts["mart"], intermediate + staging, 3, 10)
    layer("snapshots", counts["snapshot"], staging, 1, 1, kind="snapshot")
    for i in range(counts["exposure"]):
        parents = sorted({rnd.choice(marts) for _ in range(rnd.randint(1, 5))})
        uid = f"exposure.{project}.dashboard_{i}"
        exposures[uid] = {
            "name": f"dashboard_{i}", "resource_type": "exposure", "package_name": project,
            "path": "exposures.yml", "original_file_path": "models/exposures.yml", "unique_id": uid,
            "fqn": [project, f"dashboard_{i}"], "type": "dashboard",
            "owner": {"email": f"team_{i % 20}@example.com", "name": f"Team {i % 20}"},
            "description": "A dashboard.", "label": f"Dashboard {i}", "maturity": "high", "meta": {}, "tags": [],
            "config": {"enabled": True, "tags": [], "meta": {}}, "unrendered_config": {},
            "url": f"https://bi.example.com/d/{i}", "depends_on": {"macros": [], "nodes": parents},
            "refs": [], "sources": [], "metrics": [], "created_at": 1700000000.0,
        }

    parent_map, child_map = {}, {}
    for uid, body in list(nodes.items()) + list(exposures.items()):
        parent_map[uid] = body["depends_on"]["nodes"]
        for p in body["depends_on"]["nodes"]:
            child_map.setdefault(p, []).append(uid)
    manifest = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.9.0",
            "generated_at": "2024-05-01T06:00:00.000000Z", "invocation_id": "bench-0000",
            "env": {}, "project_name": project, "project_id": "0" * 32, "user_id": None,
            "send_anonymous_usage_stats": False, "adapter_type": "snowflake",
        },
        "nodes": nodes, "sources": sources, "macros": {}, "docs": {}, "exposures": exposures, "metrics": {},
        "groups": {}, "selectors": {}, "disabled": {}, "parent_map": parent_map, "child_map": child_map,
        "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {},
    }
    with open(args.out, "w") as f:
        json.dump(manifest, f)
    total = len(nodes) + len(sources) + len(exposures)
    models = sum(1 for uid in nodes if uid.startswith("model."))
    print(f"{args.out}: {total} nodes, {models} models")


if __name__ == "__main__":
    main()
