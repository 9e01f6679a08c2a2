"""An independent MCP client for `debrief mcp`: the official Python SDK's
stdio client (`pip install mcp`), driven by `tests/mcp.rs`.

    python3 mcp_client.py DEBRIEF_BIN DB NOW < calls.json

starts `DEBRIEF_BIN --db DB --now NOW mcp`, lists its tools, resources and
resource templates, reads the resources named in the plan, calls each tool
of the plan in order, and prints one JSON report on standard output:

    {"server": {...}, "tools": [{"name", "inputSchema"}], "resources": [uri],
     "templates": [uriTemplate], "read": [{"uri", "text"} | {"uri", "error"}],
     "calls": [{"tool", "isError", "text"}]}

The plan (standard input) is {"read": [uri, ...], "calls": [{"tool", "args"}]}.
Exit 3 when the `mcp` package cannot be imported (the test skips loudly).
"""

import asyncio
import json
import os
import sys

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
except ImportError as e:  # pragma: no cover - reported by the Rust test
    print(f"cannot import the MCP Python SDK: {e}", file=sys.stderr)
    sys.exit(3)


async def main(binary, db, now, plan):
    params = StdioServerParameters(
        command=binary,
        # A PostgreSQL URL is a --database, anything else the SQLite file.
        args=["--database" if db.startswith("postgres") else "--db", db, "--now", now, "mcp"],
        # The test's isolated environment (XDG_* point into its temp dir).
        env={k: v for k, v in os.environ.items() if k.startswith("XDG_") or k == "PATH"}
        | {"NO_COLOR": "1"},
    )
    report = {"read": [], "calls": []}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            report["server"] = {
                "name": init.server_info.name,
                "instructions": init.instructions,
                "protocol": str(init.protocol_version),
            }
            tools = await session.list_tools()
            report["tools"] = [
                {"name": t.name, "inputSchema": t.input_schema} for t in tools.tools
            ]
            resources = await session.list_resources()
            report["resources"] = [str(r.uri) for r in resources.resources]
            templates = await session.list_resource_templates()
            report["templates"] = [t.uri_template for t in templates.resource_templates]
            for uri in plan.get("read", []):
                try:
                    got = await session.read_resource(uri)
                    report["read"].append({"uri": uri, "text": got.contents[0].text})
                except Exception as e:  # an MCP error is what the test expects
                    report["read"].append({"uri": uri, "error": str(e)})
            for call in plan.get("calls", []):
                result = await session.call_tool(call["tool"], call.get("args", {}))
                text = "".join(c.text for c in result.content if c.type == "text")
                report["calls"].append(
                    {"tool": call["tool"], "isError": bool(result.is_error), "text": text}
                )
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    plan = json.load(sys.stdin)
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], plan))
