"""Checks the structure of an AsyncAPI 3.0 document `mqtt-dumper schema --format asyncapi` wrote (YAML on
stdin, read with PyYAML; or JSON with --json) against what the capture holds (the topics and QoS counted
here from the capture with gzip and json). Prints `ok <channels> channels <messages> messages`."""
import gzip, json, sys, yaml

document = json.load(sys.stdin) if "--json" in sys.argv else yaml.safe_load(sys.stdin)
capture = [a for a in sys.argv[1:] if a != "--json"][0]
topics = {}
for line in gzip.open(capture, "rt"):
    record = json.loads(line)
    if "topic" in record:
        topics.setdefault(record["topic"], set()).add(record["qos"])

assert document["asyncapi"] == "3.0.0", document["asyncapi"]
assert document["info"]["title"] and document["info"]["version"] == "1.0.0", document["info"]


def resolve(ref):
    assert ref.startswith("#/"), ref
    node = document
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


covered, message_count = set(), 0
for channel_id, channel in document["channels"].items():
    address = channel["address"]
    levels = address.split("/")
    params = [l[1:-1] for l in levels if l.startswith("{")]
    assert sorted(params) == sorted(channel.get("parameters", {})), (address, channel.get("parameters"))
    for topic in topics:
        t = topic.split("/")
        if len(t) == len(levels) and all(l.startswith("{") or l == x for l, x in zip(levels, t)):
            covered.add(topic)
    assert channel["messages"], channel_id
    for message in channel["messages"].values():
        message_count += 1
        assert isinstance(message["payload"], (dict, bool)), message
        if message.get("description", "").startswith("The captured example is left out"):
            assert "examples" not in message, message
        else:
            assert len(message["examples"]) == 1 and "payload" in message["examples"][0], message
assert covered == set(topics), set(topics) - covered

operations = document["operations"]
assert len(operations) == len(document["channels"])
for operation in operations.values():
    assert operation["action"] == "receive", operation
    channel = resolve(operation["channel"]["$ref"])
    for ref in operation["messages"]:
        assert resolve(ref["$ref"]) in channel["messages"].values(), ref
    binding = operation["bindings"]["mqtt"]
    assert binding["qos"] in (0, 1, 2) and isinstance(binding["retain"], bool), binding
    assert binding["bindingVersion"] == "0.2.0", binding
    observed = set().union(*(q for t, q in topics.items()
                             if all(l.startswith("{") or l == x for l, x in zip(channel["address"].split("/"), t.split("/")))
                             and len(t.split("/")) == len(channel["address"].split("/"))))
    assert binding["qos"] == max(observed), (channel["address"], binding, observed)
print(f"ok {len(document['channels'])} channels {message_count} messages")
