"""Validates every payload of captures against the JSON Schema `mqtt-dumper schema` wrote, with Python's
jsonschema (an independent validator): each topic by its x-mqtt-channels entry (its own, else the first
filter that matches), a JSON payload as its value, other UTF-8 as a string, other bytes as their base64.

Usage: validate_schema.py SCHEMA.json CAPTURE... ; prints `<payloads> payloads, <invalid> invalid`."""
import base64, gzip, json, re, sys
from jsonschema import Draft202012Validator

schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
channels = schema["x-mqtt-channels"]


def matches(filter_, topic):
    levels, topic_levels = filter_.split("/"), topic.split("/")
    for i, level in enumerate(levels):
        if level == "#":
            return True
        if i >= len(topic_levels) or (level != "+" and level != topic_levels[i]):
            return False
    return len(levels) == len(topic_levels)


TOKEN = re.compile(r'[ \t\n\r]*(?:("(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")'
                   r'|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)|([\[\]{},:]))')


def is_json(text):
    """Whether text is one JSON text, however deep it nests (json.loads gives up deep first, even on an
    unclosed [[[..., which is text): tokens and a stack of the open containers, no recursion."""
    stack, position, expect = [], 0, "value"  # expect: value, key, colon, next (a comma or a close), end
    while True:
        match = TOKEN.match(text, position)
        if not match:
            return expect == "end" and text[position:].strip(" \t\n\r") == ""
        position = match.end()
        string, scalar, mark = match.groups()
        if expect in ("value", "first") and (string or scalar):
            expect = "next" if stack else "end"
        elif expect in ("value", "first") and mark in "[{":
            stack.append(mark)
            expect = "first" if mark == "[" else "firstkey"
        elif expect in ("key", "firstkey") and string:
            expect = "colon"
        elif expect == "colon" and mark == ":":
            expect = "value"
        elif expect == "next" and mark == ",":
            expect = "key" if stack[-1] == "{" else "value"
        elif (expect == "next" or expect == {"[": "first", "{": "firstkey"}.get(stack[-1] if stack else None)) \
                and mark in ("]", "}") and stack and {"[": "]", "{": "}"}[stack[-1]] == mark:
            stack.pop()
            expect = "next" if stack else "end"
        else:
            return False


validators, payloads, invalid = {}, 0, 0
for path in sys.argv[2:]:
    for line in gzip.open(path, "rt", encoding="utf-8", errors="surrogatepass"):
        record = json.loads(line)
        if "topic" not in record:
            continue
        topic = record["topic"]
        entry = channels.get(topic) or next(v for f, v in channels.items() if matches(f, topic))
        ref = entry["$ref"]
        raw = record["payload"].encode("utf-8") if "payload" in record else base64.b64decode(record["payload_b64"])
        try:
            value = json.loads(raw.decode("utf-8"))
        except RecursionError:
            # Deeper than Python follows: JSON the schema describes as any value, or text that starts so.
            value = None if is_json(raw.decode("utf-8")) else raw.decode("utf-8")
        except ValueError:
            try:
                value = raw.decode("utf-8")
            except UnicodeDecodeError:
                value = base64.b64encode(raw).decode()
        if ref not in validators:
            validators[ref] = Draft202012Validator({"$defs": schema["$defs"], "$ref": ref})
        payloads += 1
        errors = list(validators[ref].iter_errors(value))
        if errors:
            invalid += 1
            print(f"{topic}: {errors[0].message}", file=sys.stderr)
print(f"{payloads} payloads, {invalid} invalid")
