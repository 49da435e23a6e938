"""The OpenAPI 3.0 document: shared parts here, each package's paths registered beside its views."""

from app.api.core import MAX_PER_PAGE, PATHS, PREFIX, SCHEMAS, SCOPES

PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
]
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}


def nullable(kind: str, **extra) -> dict:
    """A nullable scalar schema."""
    return {"type": kind, "nullable": True, **extra}


def page_schema(item: str) -> dict:
    """A paginated list of ``item``."""
    return {
        "type": "object",
        "required": ["data", "meta", "links"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "meta": {"$ref": "#/components/schemas/PageMeta"},
            "links": {"$ref": "#/components/schemas/Links"},
        },
    }


def list_operation(
    summary: str, item: str, scope: str, tag: str, parameters: list | None = None
) -> dict:
    """A paginated GET."""
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "operationId": f"list{item}s",
            "security": [{"bearer": [scope]}],
            "parameters": [*(parameters or []), *PAGE_PARAMETERS],
            "responses": {
                "200": {
                    "description": "One page",
                    "content": {"application/json": {"schema": page_schema(item)}},
                },
                **ERRORS,
            },
        }
    }


def item_operation(summary: str, item: str, scope: str, tag: str, key: dict) -> dict:
    """A GET of one item by key; 404 when it does not exist (or is outside the token's offices)."""
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "operationId": f"get{item}",
            "security": [{"bearer": [scope]}],
            "parameters": [key],
            "responses": {
                "200": {
                    "description": item,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{item}"}}
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
                **ERRORS,
            },
        }
    }


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


BASE_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "title", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                },
            }
        },
    },
    "PageMeta": {
        "type": "object",
        "required": ["page", "per_page", "total"],
        "properties": {
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": True,
    },
    "Links": {
        "type": "object",
        "required": ["self", "first", "last", "next", "prev"],
        "properties": {
            "self": {"type": "string"},
            "first": {"type": "string"},
            "last": {"type": "string"},
            "next": nullable("string"),
            "prev": nullable("string"),
        },
    },
}


def document(server_url: str) -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Aula Consular API",
            "version": "1.0.0",
            "description": (
                "Read-only access to people, offices, training requirements, assignments, "
                "certificates and compliance. Tokens are created, scoped and revoked by "
                "administrators; send one as `Authorization: Bearer <token>`. Lists are "
                "paginated (`page`, `per_page` up to 500) and requests are rate-limited per token."
            ),
        },
        "servers": [{"url": server_url.rstrip("/") + PREFIX}],
        "security": [{"bearer": []}],
        "tags": [
            {"name": "people", "description": str(SCOPES["people"])},
            {"name": "compliance", "description": str(SCOPES["compliance"])},
            {"name": "certificates", "description": str(SCOPES["certificates"])},
        ],
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
            },
            "parameters": {
                "page": {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
                },
                "per_page": {
                    "name": "per_page",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PER_PAGE,
                        "default": 50,
                    },
                },
            },
            "responses": {
                "BadRequest": _error_response("A query parameter is not valid"),
                "Unauthorized": _error_response("Missing, unknown, revoked or expired token"),
                "Forbidden": _error_response("The token lacks the scope"),
                "NotFound": _error_response("No such item (or outside the token's offices)"),
                "TooManyRequests": _error_response("Rate limit exceeded"),
            },
            "schemas": {**BASE_SCHEMAS, **dict(sorted(SCHEMAS.items()))},
        },
    }
