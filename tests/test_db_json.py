"""The JSON the database columns carry: orjson's speed, json.dumps's reach."""

from __future__ import annotations

import json

from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select, text

from service.db import json_bytes, json_value, make_engine


def test_non_string_keys_become_strings_as_json_dumps_makes_them() -> None:
    value = {1: "a", "b": [1.5, None, True], "名": "张三"}
    assert json_value(json_bytes(value)) == json.loads(json.dumps(value))


def test_what_orjson_refuses_is_written_and_read_by_the_standard_library() -> None:
    huge = {"count": 2**70}
    assert json_value(json_bytes(huge)) == huge


def test_sqlite_stores_json_as_text_and_reads_it_back(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/json.sqlite3")
    table = Table("doc", MetaData(), Column("id", Integer, primary_key=True), Column("body", JSON))
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(table).values(id=1, body={"state": {"tasks": [1, 2]}, "名": "值"}))
        stored_type = connection.scalar(text("SELECT typeof(body) FROM doc"))
        body = connection.scalar(select(table.c.body))
    engine.dispose()
    assert stored_type == "text"
    assert body == {"state": {"tasks": [1, 2]}, "名": "值"}
