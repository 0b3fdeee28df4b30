"""Validates every payload of captures against the JSON Schema `mqtt-dumper schema` wrote, with Python's
jsonschema (an independent validator): each topic by its x-mqtt-channels entry (its own, else the first
filter that matches), a JSON payload as its value, other UTF-8 as a string, other bytes as their base64.

Usage: validate_schema.py SCHEMA.json CAPTURE... ; prints `<payloads> payloads, <invalid> invalid`."""
import base64, gzip, json, sys
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
            value = None  # deeper than Python follows; the schema describes such payloads as any value
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
