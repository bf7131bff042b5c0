"""GraphQL class-schema operations, createFile (GraphQL multipart request spec) and file fields."""

from __future__ import annotations

import aiohttp
import orjson


def only_error(payload: dict) -> tuple[int, str]:
    [error] = payload["errors"]
    return error["extensions"]["code"], error["message"]


CLASS = "class { name schemaFields { name __typename ... on SchemaPointerField { targetClassName } } }"


async def test_class_operations_need_the_master_key(gql):
    for query in ("{ classes { name } }", '{ class(name: "_User") { name } }'):
        assert only_error(await gql(query)) == (119, "unauthorized: master key is required")
    out = await gql('mutation { createClass(input: {name: "Box"}) { class { name } } }')
    assert only_error(out) == (119, "unauthorized: master key is required")


async def test_create_update_delete_class(gql, api):
    out = await gql.data("""mutation { createClass(input: {name: "Box", schemaFields: {
        addStrings: [{name: "label"}], addNumbers: [{name: "size"}],
        addPointers: [{name: "owner", targetClassName: "_User"}]}}) { %s } }""" % CLASS, master=True)
    fields = {f["name"]: f for f in out["createClass"]["class"]["schemaFields"]}
    assert out["createClass"]["class"]["name"] == "Box"
    assert fields["label"] == {"name": "label", "__typename": "SchemaStringField"}
    assert fields["size"]["__typename"] == "SchemaNumberField"
    assert fields["owner"] == {"name": "owner", "__typename": "SchemaPointerField", "targetClassName": "_User"}
    assert fields["ACL"]["__typename"] == "SchemaACLField"
    status, schema = await api.get("/schemas/Box", master=True)
    assert schema["fields"]["owner"] == {"type": "Pointer", "targetClass": "_User"}
    # the new class is in the GraphQL schema on the next request
    assert await gql.data('mutation { createBox(input: {fields: {label: "a", size: 2}}) { box { label size } } }') == {
        "createBox": {"box": {"label": "a", "size": 2}}}

    dup = await gql('mutation { updateClass(input: {name: "Box", schemaFields: {addStrings: [{name: "label"}]}}) { class { name } } }',
                    master=True)
    assert only_error(dup) == (105, "Duplicated field name: label")
    out = await gql.data("""mutation { updateClass(input: {name: "Box", schemaFields: {
        addDates: [{name: "due"}], remove: [{name: "size"}]}}) { class { schemaFields { name } } } }""", master=True)
    names = {f["name"] for f in out["updateClass"]["class"]["schemaFields"]}
    assert "due" in names and "size" not in names
    assert await gql.data('{ class(name: "Box") { name } }', master=True) == {"class": {"name": "Box"}}
    missing = await gql('{ class(name: "Nope") { name } }', master=True)
    assert only_error(missing) == (103, "Class Nope does not exist.")

    not_empty = await gql('mutation { deleteClass(input: {name: "Box"}) { class { name } } }', master=True)
    assert only_error(not_empty)[0] == 255
    await api.delete(f"/classes/Box/{(await api.get('/classes/Box'))[1]['results'][0]['objectId']}")
    out = await gql.data('mutation { deleteClass(input: {name: "Box"}) { class { name } } }', master=True)
    assert out == {"deleteClass": {"class": {"name": "Box"}}}
    classes = await gql.data("{ classes { name } }", master=True)
    assert "Box" not in {c["name"] for c in classes["classes"]}


def _multipart(query: str, variables: dict, files: dict[str, tuple[str, bytes, str]], path_of: dict[str, str]):
    form = aiohttp.FormData()
    form.add_field("operations", orjson.dumps({"query": query, "variables": variables}).decode(),
                   content_type="application/json")
    form.add_field("map", orjson.dumps({k: [v] for k, v in path_of.items()}).decode(),
                   content_type="application/json")
    for key, (name, data, ctype) in files.items():
        form.add_field(key, data, filename=name, content_type=ctype)
    return form


async def test_create_file_multipart_and_file_fields(gql, api):
    query = "mutation($f: Upload!) { createFile(input: {upload: $f}) { fileInfo { name url } } }"
    form = _multipart(query, {"f": None}, {"0": ("hello.txt", b"hello world", "text/plain")}, {"0": "variables.f"})
    headers = {k: v for k, v in gql.headers(master=True).items() if k != "Content-Type"}
    resp = await api.client.post("/graphql", data=form, headers=headers)
    body = await resp.json()
    assert resp.status == 200, body
    info = body["data"]["createFile"]["fileInfo"]
    assert info["name"].endswith("_hello.txt")
    assert info["url"] == api.server.file_url(info["name"])
    download = await api.client.get(info["url"].split("8378", 1)[1])
    assert await download.read() == b"hello world"

    await api.post("/schemas/Doc", {"className": "Doc", "fields": {"pic": {"type": "File"}}}, master=True)
    out = await gql.data("mutation($n: File!) { createDoc(input: {fields: {pic: {file: $n}}}) { doc { pic { name url } } } }",
                         {"n": info["name"]})
    assert out == {"createDoc": {"doc": {"pic": {"name": info["name"], "url": info["url"]}}}}
    query = "mutation($f: Upload!) { createDoc(input: {fields: {pic: {upload: $f}}}) { doc { pic { name } } } }"
    form = _multipart(query, {"f": None}, {"0": ("b.txt", b"bytes", "text/plain")}, {"0": "variables.f"})
    resp = await api.client.post("/graphql", data=form, headers=headers)
    body = await resp.json()
    assert body["data"]["createDoc"]["doc"]["pic"]["name"].endswith("_b.txt")
    where = await gql.data('{ docs(where: {pic: {exists: true}}) { count } }')
    assert where == {"docs": {"count": 2}}


async def test_file_upload_rules_apply(gql, api):
    """Anonymous uploads are refused by default (fileUpload.enableForPublic), as on POST /files."""
    query = "mutation($f: Upload!) { createFile(input: {upload: $f}) { fileInfo { name } } }"
    form = _multipart(query, {"f": None}, {"0": ("a.txt", b"x", "text/plain")}, {"0": "variables.f"})
    headers = {k: v for k, v in gql.headers().items() if k != "Content-Type"}
    resp = await api.client.post("/graphql", data=form, headers=headers)
    body = await resp.json()
    status, rest_body = await api.request("POST", "/files/a.txt", data=b"x",
                                          headers={**api.headers(), "Content-Type": "text/plain"})
    assert status >= 400
    assert only_error(body) == (rest_body["code"], rest_body["error"])
