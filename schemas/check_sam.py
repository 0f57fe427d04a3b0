#!/usr/bin/env python3
"""Check schemas/sam.json: structure (the rules of sam.schema.json, by hand),
sources, Fn::Sub variables, and, given a corpus folder, that every SAM policy
template, AWS managed policy and connector the corpus uses is present.

Standard library only.  Usage:
    python3 schemas/check_sam.py [CORPUS_DIR]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId"}
CONNECTOR_VARS = {"DestinationArn", "DestinationName", "DestinationQueueUrl", "SourceArn"}
STATEMENT_KEYS = {"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
SOURCE_RE = re.compile(r"^https://docs\.aws\.amazon\.com/")
TYPE_RE = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")
ARN_RE = re.compile(r"^arn:aws:iam::aws:policy/([A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]+$")
SUB_VAR = re.compile(r"\$\{(?!!)([^}]*)\}")

# Connector (source type, destination type, permission) combinations used in the
# corpus's AWS::Serverless::Connector resources and embedded Connectors.
CORPUS_CONNECTORS = [
    ("AWS::Serverless::Function", "AWS::S3::Bucket", "Read"),
    ("AWS::Serverless::Function", "AWS::S3::Bucket", "Write"),
    ("AWS::Serverless::Function", "AWS::Serverless::SimpleTable", "Read"),
    ("AWS::Serverless::Function", "AWS::Serverless::SimpleTable", "Write"),
    ("AWS::Serverless::Function", "AWS::Serverless::StateMachine", "Read"),
    ("AWS::Serverless::StateMachine", "AWS::Events::EventBus", "Write"),
    ("AWS::Serverless::StateMachine", "AWS::SNS::Topic", "Write"),
    ("AWS::Serverless::StateMachine", "AWS::SQS::Queue", "Write"),
    ("AWS::Serverless::StateMachine", "AWS::Serverless::Function", "Write"),
    ("AWS::Serverless::StateMachine", "AWS::Serverless::SimpleTable", "Write"),
    ("AWS::Serverless::StateMachine", "AWS::Serverless::StateMachine", "Read"),
    ("AWS::Serverless::StateMachine", "AWS::Serverless::StateMachine", "Write"),
]
# Entries the brief asks for regardless of the corpus.
REQUIRED_TEMPLATES = [
    "LambdaInvokePolicy", "DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy",
    "SQSSendMessagePolicy", "SQSPollerPolicy", "SNSPublishMessagePolicy", "StepFunctionsExecutionPolicy",
    "S3ReadPolicy", "S3WritePolicy", "S3CrudPolicy", "EventBridgePutEventsPolicy",
    "CloudWatchPutMetricPolicy", "AWSSecretsManagerGetSecretValuePolicy", "SSMParameterReadPolicy",
    "KMSDecryptPolicy",
]
REQUIRED_MANAGED = [
    "AWSLambdaRole", "service-role/AWSLambdaRole", "AWSStepFunctionsFullAccess", "AWSXrayWriteOnlyAccess",
    "CloudWatchLogsFullAccess", "AmazonDynamoDBFullAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
    "AmazonSQSFullAccess", "AmazonSNSFullAccess", "AmazonEventBridgeFullAccess",
]
SM = "AWS::StepFunctions::StateMachine"
REQUIRED_CONNECTORS = [(SM, d, p) for d, p in [
    ("AWS::Lambda::Function", "Write"), ("AWS::DynamoDB::Table", "Read"), ("AWS::DynamoDB::Table", "Write"),
    ("AWS::SQS::Queue", "Write"), ("AWS::SNS::Topic", "Write"), ("AWS::S3::Bucket", "Read"),
    ("AWS::S3::Bucket", "Write"), ("AWS::Events::EventBus", "Write"), (SM, "Read"), (SM, "Write")]]

errors = []


def err(msg):
    errors.append(msg)


def is_str_list(x):
    return isinstance(x, list) and x and all(isinstance(i, str) and i for i in x)


def check_subtext(where, s, allowed):
    for var in SUB_VAR.findall(s):
        if var not in allowed:
            err("%s: ${%s} is neither a pseudo parameter nor an allowed variable" % (where, var))


def walk_strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, list):
        for i in x:
            yield from walk_strings(i)
    elif isinstance(x, dict):
        for v in x.values():
            yield from walk_strings(v)


def check_statements(where, sts, allowed):
    if not isinstance(sts, list) or not sts:
        err("%s: statements must be a non-empty array" % where)
        return
    for i, st in enumerate(sts):
        w = "%s.statements[%d]" % (where, i)
        if not isinstance(st, dict):
            err(w + ": not an object")
            continue
        extra = set(st) - STATEMENT_KEYS
        if extra:
            err("%s: unknown keys %s" % (w, sorted(extra)))
        if st.get("Effect") not in ("Allow", "Deny"):
            err(w + ": Effect must be Allow or Deny")
        if ("Action" in st) == ("NotAction" in st):
            err(w + ": exactly one of Action/NotAction")
        if ("Resource" in st) == ("NotResource" in st):
            err(w + ": exactly one of Resource/NotResource")
        for k in ("Action", "NotAction", "Resource", "NotResource"):
            if k in st and not is_str_list(st[k]):
                err("%s: %s must be a non-empty array of strings" % (w, k))
        for k in ("Resource", "NotResource"):
            for r in st.get(k, []) if isinstance(st.get(k), list) else []:
                check_subtext(w + "." + k, r, allowed)
        if "Condition" in st:
            c = st["Condition"]
            if not isinstance(c, dict) or not c or not all(isinstance(v, dict) and v for v in c.values()):
                err(w + ": Condition must be operator -> key -> value(s)")
            for s in walk_strings(c):
                check_subtext(w + ".Condition", s, allowed)


def check_source(where, e):
    src = e.get("source")
    if not isinstance(src, str) or not SOURCE_RE.match(src):
        err("%s: source must be an https URL on docs.aws.amazon.com" % where)


def check_data(d):
    if not isinstance(d, dict) or set(d) != {"policyTemplates", "managedPolicies", "connectors"}:
        err("top level must have exactly policyTemplates, managedPolicies, connectors")
        return
    for name, e in d["policyTemplates"].items():
        w = "policyTemplates." + name
        if not isinstance(e, dict) or set(e) != {"source", "parameters", "statements"}:
            err(w + ": keys must be source, parameters, statements")
            continue
        check_source(w, e)
        params = e["parameters"]
        if not isinstance(params, list) or len(set(params)) != len(params) or \
                not all(isinstance(p, str) and re.match(r"^[A-Za-z][A-Za-z0-9]*$", p) for p in params):
            err(w + ": parameters must be unique names")
            params = []
        check_statements(w, e["statements"], PSEUDO | set(params))
        used = set()
        for s in walk_strings(e["statements"]):
            used |= set(SUB_VAR.findall(s))
        if set(params) - used:
            err("%s: parameters never used: %s" % (w, sorted(set(params) - used)))
    names = set()
    for name, e in d["managedPolicies"].items():
        w = "managedPolicies." + name
        if not isinstance(e, dict) or not {"source", "arn", "statements"} <= set(e) <= {"source", "arn", "aliases", "statements"}:
            err(w + ": keys must be source, arn, statements and optional aliases")
            continue
        check_source(w, e)
        if not isinstance(e["arn"], str) or not ARN_RE.match(e["arn"]) or not e["arn"].endswith("/" + name):
            err(w + ": arn must be arn:aws:iam::aws:policy/.../" + name)
        if "aliases" in e and (not is_str_list(e["aliases"]) or len(set(e["aliases"])) != len(e["aliases"])):
            err(w + ": aliases must be a non-empty array of unique strings")
        for n in [name] + list(e.get("aliases", [])):
            if n in names:
                err(w + ": name or alias %s used twice" % n)
            names.add(n)
        check_statements(w, e["statements"], set())  # AWS writes literal ARNs: no Sub variables
    seen = set()
    for i, e in enumerate(d["connectors"]):
        w = "connectors[%d]" % i
        if not isinstance(e, dict) or set(e) != {"source", "from", "to", "permission", "statements"}:
            err(w + ": keys must be source, from, to, permission, statements")
            continue
        check_source(w, e)
        for k in ("from", "to"):
            if not is_str_list(e[k]) or not all(TYPE_RE.match(t) for t in e[k]) or len(set(e[k])) != len(e[k]):
                err("%s: %s must be unique resource type names" % (w, k))
        if e["permission"] not in ("Read", "Write"):
            err(w + ": permission must be Read or Write")
        for f in e["from"]:
            for t in e["to"]:
                key = (f, t, e["permission"])
                if key in seen:
                    err("%s: %s already covered by another entry" % (w, key))
                seen.add(key)
        check_statements(w, e["statements"], PSEUDO | CONNECTOR_VARS)


def corpus_usage(root):
    """Policy templates and managed policies a corpus of SAM/CFN/Terraform files uses."""
    templates, managed = set(), set()
    tpl_yaml = re.compile(r"^\s*-\s*([A-Za-z0-9_]+Policy(?:_v2)?)\s*:", re.M)
    tpl_json = re.compile(r"\{\s*\"([A-Za-z0-9_]+Policy(?:_v2)?)\"\s*:\s*\{")
    arn = re.compile(r"iam::aws:policy/([A-Za-z0-9/_+=,.@-]+)")
    for dp, _, fns in os.walk(root):
        for fn in fns:
            if not fn.endswith((".yaml", ".yml", ".json", ".tf")) or ".asl." in fn:
                continue
            try:
                text = open(os.path.join(dp, fn), encoding="utf-8", errors="replace").read()
            except OSError:
                continue
            managed |= set(arn.findall(text))
            if fn.endswith(".tf"):
                continue
            if "Policies" not in text:
                continue
            templates |= set(tpl_yaml.findall(text)) if not fn.endswith(".json") else set(tpl_json.findall(text))
            # plain managed-policy names in SAM Policies lists: "- AWSLambdaRole"
            for block in re.finditer(r"^(\s*)Policies:\s*\n((?:\1\s+.*\n|\s*\n)*)", text, re.M):
                items = re.findall(r"^(\s*)-", block.group(2), re.M)
                if not items:
                    continue
                indent = items[0]  # only the list's own items, not nested values
                for m in re.finditer(r"^" + indent + r"-\s*['\"]?([A-Z][A-Za-z0-9_]+)['\"]?\s*$", block.group(2), re.M):
                    managed.add(m.group(1))
    # names that only look like policy templates (e.g. a resource's own property key)
    templates = {t for t in templates if not t.startswith(("Key", "Bucket", "Queue", "Topic", "Deletion", "Update", "Retention"))}
    return templates, managed


def main():
    path = os.path.join(HERE, "sam.json")
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    check_data(d)
    if errors:
        for e in errors:
            print("FAIL", e)
        print("0 passed, %d failed" % len(errors))
        return 1
    tpl, mp, con = d["policyTemplates"], d["managedPolicies"], d["connectors"]
    mp_names = set(mp) | {a for e in mp.values() for a in e.get("aliases", [])}
    covered = {(f, t, c["permission"]) for c in con for f in c["from"] for t in c["to"]}
    checks = [("template " + n, n in tpl) for n in REQUIRED_TEMPLATES]
    checks += [("managed " + n, n in mp_names) for n in REQUIRED_MANAGED]
    checks += [("connector %s -> %s %s" % k, k in covered) for k in REQUIRED_CONNECTORS + CORPUS_CONNECTORS]
    if len(sys.argv) > 1:
        used_t, used_m = corpus_usage(sys.argv[1])
        print("corpus policy templates: %s" % ", ".join(sorted(used_t)))
        print("corpus managed policies: %s" % ", ".join(sorted(used_m)))
        checks += [("corpus template " + n, n in tpl) for n in sorted(used_t)]
        checks += [("corpus managed " + n, n in mp_names) for n in sorted(used_m)]
    failed = [n for n, ok in checks if not ok]
    for n in failed:
        print("FAIL missing", n)
    print("%d policy templates, %d managed policies, %d connector entries"
          % (len(tpl), len(mp), len(con)))
    print("%d passed, %d failed" % (len(checks) - len(failed) + 1, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
