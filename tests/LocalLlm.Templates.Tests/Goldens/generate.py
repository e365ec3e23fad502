#!/usr/bin/python3
"""Regenerates the chat-template goldens with Python jinja2 in Hugging Face's environment.

Run with Debian's interpreter (apt-get install python3-jinja2): /usr/bin/python3 generate.py
Writes cases.json (the inputs) and one <template>.golden.json per fixture template.
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

from snippets import SNIPPETS

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures")
FIXED_NOW = datetime(2026, 1, 2, 3, 4, 5)


class RaisedByTemplate(Exception):
    pass


def raise_exception(message):
    raise RaisedByTemplate(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # Same override as transformers' chat-template environment.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return FIXED_NOW.strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. 北京"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit", "default": "celsius"},
                "days": {"type": "integer", "description": "Forecast days", "default": 1},
            },
            "required": ["city"],
        },
    },
}

SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search_docs",
        "description": "  Search the documentation index.  ",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Free-text query"},
                "limit": {"type": "number", "description": "Maximum results", "default": 2.5},
                "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags to filter by"},
                "exact": {"type": "boolean", "description": "Exact match only", "nullable": True},
                "filters": {
                    "type": "object",
                    "description": "Field filters",
                    "additionalProperties": {"type": "string"},
                    "properties": {"lang": {"type": "string", "description": "Language"}},
                    "required": ["lang"],
                },
                "ratio": {"type": "number", "description": "Small weight", "default": 1e-05},
            },
            "required": ["query"],
        },
    },
}

NO_PARAMS_TOOL = {
    "type": "function",
    "function": {"name": "get_time", "description": "Current server time.", "parameters": {"type": "object", "properties": {}}},
}

TOOLS = [WEATHER_TOOL, SEARCH_TOOL, NO_PARAMS_TOOL]


def call(call_id, name, arguments):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


COMMON = {"bos_token": "<s>", "eos_token": "</s>"}


def case(name, messages, **kwargs):
    variables = dict(COMMON)
    variables["messages"] = messages
    variables.update(kwargs)
    return {"name": name, "variables": variables}


SYSTEM = {"role": "system", "content": "You are a concise assistant."}
USER = {"role": "user", "content": "What is the capital of France?"}
ASSISTANT = {"role": "assistant", "content": "Paris."}
USER2 = {"role": "user", "content": "And of Germany?"}
ASSISTANT2 = {"role": "assistant", "content": "Berlin."}

DICT_CALL = {"role": "assistant", "content": "", "tool_calls": [call("call00001", "get_weather", {"city": "Paris", "days": 3})]}
STRING_CALL = {"role": "assistant", "content": "", "tool_calls": [call("call00001", "get_weather", "{\"city\": \"Paris\", \"days\": 3}")]}
TOOL_RESULT = {"role": "tool", "tool_call_id": "call00001", "name": "get_weather", "content": "{\"temperature\": 21.5, \"condition\": \"sunny\"}"}
FINAL = {"role": "assistant", "content": "It is sunny and 21.5 °C in Paris."}

CASES = [
    case("system_user_generation", [SYSTEM, USER], add_generation_prompt=True),
    case("user_only_generation", [USER], add_generation_prompt=True),
    case("user_only_no_generation", [USER], add_generation_prompt=False),
    case("multi_turn", [SYSTEM, USER, ASSISTANT, USER2, ASSISTANT2], add_generation_prompt=False),
    case("multi_turn_generation", [USER, ASSISTANT, USER2], add_generation_prompt=True),
    case("whitespace_content", [SYSTEM, {"role": "user", "content": "  padded question \n"}, {"role": "assistant", "content": "\n answer with spaces  "}, USER2], add_generation_prompt=True),
    case("tools_definitions_only", [SYSTEM, {"role": "user", "content": "What's the weather in Paris?"}], tools=TOOLS, add_generation_prompt=True),
    case("tools_no_system", [{"role": "user", "content": "What's the weather in Paris?"}], tools=[WEATHER_TOOL], add_generation_prompt=True),
    case("tool_call_dict_arguments", [SYSTEM, {"role": "user", "content": "What's the weather in Paris?"}, DICT_CALL, TOOL_RESULT, FINAL], tools=TOOLS, add_generation_prompt=False),
    case("tool_call_dict_arguments_generation", [{"role": "user", "content": "What's the weather in Paris?"}, DICT_CALL, TOOL_RESULT], tools=TOOLS, add_generation_prompt=True),
    case("tool_call_string_arguments", [SYSTEM, {"role": "user", "content": "What's the weather in Paris?"}, STRING_CALL, TOOL_RESULT, FINAL], tools=TOOLS, add_generation_prompt=False),
    case("tool_call_with_content", [{"role": "user", "content": "Weather in Paris and Berlin?"},
                                    {"role": "assistant", "content": "Let me check both cities.", "tool_calls": [call("call00001", "get_weather", {"city": "Paris"})]},
                                    TOOL_RESULT], tools=TOOLS, add_generation_prompt=True),
    case("parallel_tool_calls", [{"role": "user", "content": "Weather in Paris and Berlin?"},
                                 {"role": "assistant", "content": "", "tool_calls": [call("call00001", "get_weather", {"city": "Paris"}), call("call00002", "get_weather", {"city": "Berlin", "unit": "celsius"})]},
                                 {"role": "tool", "tool_call_id": "call00001", "content": "18 degrees"},
                                 {"role": "tool", "tool_call_id": "call00002", "content": "15 degrees"},
                                 {"role": "assistant", "content": "Paris 18, Berlin 15."}], tools=TOOLS, add_generation_prompt=False),
    case("tool_call_nested_arguments", [{"role": "user", "content": "Search docs"},
                                        {"role": "assistant", "content": None, "tool_calls": [call("call00003", "search_docs", {"query": "jinja \"quotes\" \\ back", "tags": ["a", "b"], "filters": {"lang": "zh"}, "limit": 10, "exact": True, "ratio": 0.25, "missing": None})]},
                                        {"role": "tool", "tool_call_id": "call00003", "content": "no results"}], tools=TOOLS, add_generation_prompt=True),
    case("thinking_enabled", [SYSTEM, USER], add_generation_prompt=True, enable_thinking=True),
    case("thinking_disabled", [SYSTEM, USER], add_generation_prompt=True, enable_thinking=False),
    case("reasoning_content_history", [USER, {"role": "assistant", "content": "Paris.", "reasoning_content": "The user asks about France. Its capital is Paris."}, USER2,
                                       {"role": "assistant", "content": "Berlin.", "reasoning_content": "Germany's capital is Berlin."}], add_generation_prompt=False),
    case("inline_think_history", [USER, {"role": "assistant", "content": "<think>\nFrance, capital: Paris.\n</think>\n\nParis."}, USER2], add_generation_prompt=True, enable_thinking=True),
    case("gpt_oss_thinking_field", [{"role": "developer", "content": "Answer briefly."}, USER, {"role": "assistant", "content": "Paris.", "thinking": "Easy geography."}],
         add_generation_prompt=False, reasoning_effort="high", model_identity="You are a test model."),
    case("unicode_text", [{"role": "system", "content": "你是一个乐于助人的助手。🤖"}, {"role": "user", "content": "用中文介绍一下巴黎 🇫🇷，谢谢！"},
                          {"role": "assistant", "content": "巴黎是法国的首都。🗼 «Ça va»"}, {"role": "user", "content": "Emoji: 😀👍🏽 and tab\tdone"}], add_generation_prompt=True),
    case("unicode_tool_arguments", [{"role": "user", "content": "北京天气怎么样？"},
                                    {"role": "assistant", "content": "", "tool_calls": [call("call00004", "get_weather", {"city": "北京", "note": "☀️ <tag> & 'quote'"})]},
                                    {"role": "tool", "tool_call_id": "call00004", "content": "晴，25°C"}], tools=[WEATHER_TOOL], add_generation_prompt=True),
    case("empty_tools_list", [SYSTEM, USER], tools=[], add_generation_prompt=True),
    case("non_alternating_roles", [USER, {"role": "user", "content": "Hello again?"}], add_generation_prompt=True),
    case("two_tool_calls_single_message", [{"role": "user", "content": "Weather?"},
                                           {"role": "assistant", "content": "", "tool_calls": [call("call00001", "get_weather", {"city": "Paris"}), call("call00002", "get_time", {})]}],
         tools=TOOLS, add_generation_prompt=False),
    case("tool_result_object_content", [{"role": "user", "content": "Weather?"}, DICT_CALL,
                                        {"role": "tool", "tool_call_id": "call00001", "content": {"temperature": 21, "ok": True}}], tools=[WEATHER_TOOL], add_generation_prompt=True),
    case("llama_builtin_tools", [{"role": "user", "content": "Search the web for jinja."},
                                 {"role": "assistant", "content": "", "tool_calls": [call("call00005", "brave_search", {"query": "jinja"})]},
                                 {"role": "tool", "tool_call_id": "call00005", "content": "Jinja is a template engine."}],
         builtin_tools=["brave_search", "code_interpreter"], tools=[WEATHER_TOOL], tools_in_user_message=False, date_string="02 Jan 2026", add_generation_prompt=True),
    case("gpt_oss_builtin_tools", [USER], builtin_tools=["browser", "python"], tools=TOOLS, add_generation_prompt=True),
    case("granite_documents", [USER], documents=[{"doc_id": 1, "text": "Paris is the capital of France."}, {"doc_id": "d2", "text": "Berlin is in Germany."}],
         controls={"citations": True, "hallucinations": True, "length": "short"}, add_generation_prompt=True),
    case("granite_thinking", [USER], thinking=True, add_generation_prompt=True),
    case("system_only", [SYSTEM], add_generation_prompt=True),
    case("prefix_assistant", [USER, {"role": "assistant", "content": "Par", "prefix": True}], add_generation_prompt=False, thinking=True),
]


def render(env, source, variables):
    template = env.from_string(source)
    return template.render(**variables)


def main():
    env = environment()
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(CASES, f, ensure_ascii=False, indent=1)
        f.write("\n")
    totals = {"ok": 0, "raise": 0, "error": 0}
    for file in sorted(os.listdir(FIXTURES)):
        if not file.endswith(".jinja"):
            continue
        with open(os.path.join(FIXTURES, file), encoding="utf-8") as f:
            source = f.read()
        results = []
        for c in CASES:
            entry = {"case": c["name"]}
            try:
                entry["status"] = "ok"
                entry["output"] = render(env, source, c["variables"])
            except RaisedByTemplate as e:
                entry["status"] = "raise"
                entry["message"] = str(e)
            except Exception as e:  # noqa: BLE001 - recorded, not rendered
                entry["status"] = "error"
                entry["message"] = f"{type(e).__name__}: {e}"
            totals[entry["status"]] += 1
            results.append(entry)
        stem = file[: -len(".jinja")]
        with open(os.path.join(HERE, stem + ".golden.json"), "w", encoding="utf-8") as f:
            json.dump({"template": file, "jinja2": jinja2.__version__, "results": results}, f, ensure_ascii=False, indent=1)
            f.write("\n")
    snippets = []
    for name, source, variables in SNIPPETS:
        entry = {"name": name, "template": source, "variables": variables}
        try:
            entry["status"] = "ok"
            entry["output"] = render(env, source, variables)
        except RaisedByTemplate as e:
            entry["status"] = "raise"
            entry["message"] = str(e)
        except Exception as e:  # noqa: BLE001 - recorded, not rendered
            entry["status"] = "error"
            entry["message"] = f"{type(e).__name__}: {e}"
        snippets.append(entry)
    with open(os.path.join(HERE, "snippets.expected.json"), "w", encoding="utf-8") as f:
        json.dump(snippets, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(json.dumps(totals), sum(1 for s in snippets if s["status"] == "ok"), "snippets ok")
    for s in snippets:
        if s["status"] != "ok":
            print(s["name"], s["status"], s["message"])


if __name__ == "__main__":
    main()
