"""The read-only checks on SPARQL text: tokens as the grammar defines them, updates and SERVICE refused."""

from __future__ import annotations

import pytest

from advisor.sparql import QueryForm, QueryRefusedError, QuerySyntaxError, inspect_query, tokenize


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
        ("PREFIX ex: <http://e/> BASE <http://b/> ask { ?s ex:p ?o }", QueryForm.ASK),
        ("# leading comment\nCONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("DESCRIBE <http://e/x>", QueryForm.DESCRIBE),
        ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }", QueryForm.SELECT),
    ],
)
def test_query_form(query: str, form: QueryForm) -> None:
    assert inspect_query(query) is form


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { service<http://e/>{ ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { { SELECT * WHERE { SERVICE SILENT ?x { ?a ?b ?c } } } } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://e/> { ?s ?p ?o } } }",
        'SELECT * WHERE { ?s ?p "#" . SERVICE <http://e/> { ?s ?p ?o } }',
        "SELECT * WHERE { ?s ?p <http://e/#> . SERVICE <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o } #\nSERVICE <http://e/> {}",
        "SELECT * WHERE { ?s ?p '''it''s''' . SERVICE <http://e/> { ?s ?p ?o } }",
    ],
)
def test_service_is_found_anywhere(query: str) -> None:
    with pytest.raises(QueryRefusedError) as caught:
        inspect_query(query)
    assert caught.value.details["reason"] == "service"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://e/> { }",
        'SELECT * WHERE { ?s ?p "SERVICE <http://e/>" }',
        "SELECT * WHERE { ?s ?p '''SERVICE\nINSERT''' }",
        "SELECT * WHERE { ?s <http://e/SERVICE> ?service }",
        "PREFIX service: <http://e/> SELECT * WHERE { ?s service:insert ?o }",
        "SELECT * WHERE { ?s ?p _:service }",
        'SELECT * WHERE { ?s ?p "x"@service }',
    ],
)
def test_the_word_in_comments_strings_iris_and_names_is_not_a_keyword(query: str) -> None:
    assert inspect_query(query) is QueryForm.SELECT


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a> <b> <c> }",
        "PREFIX ex: <http://e/> DELETE WHERE { ?s ex:p ?o }",
        "LOAD <http://e/data.ttl>",
        "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
        "create graph <http://e/g>",
    ],
)
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError) as caught:
        inspect_query(query)
    assert caught.value.details["reason"] == "update"


def test_unreadable_text_is_a_syntax_error_with_position() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        inspect_query("SELECT * WHERE {\n  ?s ?p ` }")
    assert (caught.value.line, caught.value.column) == (2, 9)
    with pytest.raises(QuerySyntaxError):
        inspect_query("PREFIX ex: <http://e/>")


def test_tokens_keep_their_positions() -> None:
    tokens = tokenize("SELECT ?s\n  WHERE { ?s a <http://e/C> } # done")
    assert [(t.kind, t.text, t.line, t.column) for t in tokens] == [
        ("word", "SELECT", 1, 1),
        ("variable", "?s", 1, 8),
        ("word", "WHERE", 2, 3),
        ("punct", "{", 2, 9),
        ("variable", "?s", 2, 11),
        ("word", "a", 2, 14),
        ("iri", "<http://e/C>", 2, 16),
        ("punct", "}", 2, 29),
    ]
