// Generated from openapi.yaml by `npm run openapi:generate`; edit the YAML, not this file.
/* eslint-disable */
export const spec = {
  "openapi": "3.1.0",
  "info": {
    "title": "jira-sync",
    "version": "0.1.0",
    "description": "Read API over the Jira issues and changelogs that jira-sync keeps in Backstage's database,\nplus sync status and control. Mounted at /api/jira-sync. Every route needs Backstage user or\nservice credentials except /health, /openapi.json and the webhook, and is checked against the\npermissions jira-sync.issue.read (issues, entities, metrics), jira-sync.sync.read (syncs, runs,\ndead letters), jira-sync.sync.trigger and jira-sync.dead-letter.retry. Times are ISO 8601 in UTC.\nUnknown or malformed query parameters are refused with 400 naming the parameter.\n"
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "paths": {
    "/health": {
      "get": {
        "operationId": "getHealth",
        "responses": {
          "200": {
            "description": "The plugin is up and its database answers.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "status"
                  ],
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "ok"
                      ]
                    }
                  }
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "getOpenApiDocument",
        "responses": {
          "200": {
            "description": "This document as JSON.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "openapi",
                    "paths"
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/issues": {
      "get": {
        "operationId": "listIssues",
        "description": "Synced issues, newest update first by default. Soft-deleted issues are left out unless includeDeleted=true.",
        "parameters": [
          {
            "name": "instance",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "project",
            "in": "query",
            "description": "Project key; repeat or comma-separate for several.",
            "allowReserved": true,
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          },
          {
            "name": "key",
            "in": "query",
            "description": "Issue key; repeat or comma-separate for several.",
            "allowReserved": true,
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          },
          {
            "name": "status",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "statusCategory",
            "in": "query",
            "schema": {
              "$ref": "#/components/schemas/StatusCategory"
            }
          },
          {
            "name": "type",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "assignee",
            "in": "query",
            "description": "Assignee account id (Cloud) or user key (Data Center).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "label",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "component",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "customField",
            "in": "query",
            "description": "alias:value, matches a mapped custom field exactly.",
            "allowReserved": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "updatedSince",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "q",
            "in": "query",
            "description": "Text in the summary (case-insensitive).",
            "allowReserved": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "sort",
            "in": "query",
            "description": "key is natural order (ALPHA-9 before ALPHA-10); priority desc is most urgent first (by priority id, Jira's order for the default scheme); status is workflow order (category to do, in progress, done, then name)",
            "schema": {
              "type": "string",
              "enum": [
                "updated",
                "created",
                "key",
                "priority",
                "status"
              ],
              "default": "updated"
            }
          },
          {
            "name": "order",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "asc",
                "desc"
              ],
              "default": "desc"
            }
          },
          {
            "name": "includeDeleted",
            "in": "query",
            "schema": {
              "type": "boolean",
              "default": false
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of issues.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IssuePage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/issues/{keyOrId}": {
      "get": {
        "operationId": "getIssue",
        "parameters": [
          {
            "name": "keyOrId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "instance",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One issue with its mapped custom fields and links.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IssueDetail"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/issues/{keyOrId}/changelog": {
      "get": {
        "operationId": "getIssueChangelog",
        "parameters": [
          {
            "name": "keyOrId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "instance",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "Histories, oldest first.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/History"
                      }
                    },
                    "nextCursor": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/issues": {
      "get": {
        "operationId": "getEntityIssues",
        "description": "Issues selected by the entity's annotations jira/project-key (one or several,\ncomma-separated; jira.com/project-key is read when it is absent), jira/component and\njira/label, and the optional jira-sync/instance (for project keys that repeat across\ninstances). The entity is read from the catalog with the caller's credentials: an entity\nthe caller cannot see is 404. `counts` covers the entity's whole selection (the\nstatusCategory and q parameters narrow `items` only). `syncs` are the syncs whose project\nlist shares a project with the entity.\n",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "statusCategory",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string",
              "default": "all"
            },
            "description": "Comma list, any of new, indeterminate, done, open (= new + indeterminate), all."
          },
          {
            "name": "type",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            },
            "description": "Comma list of issue types, any of."
          },
          {
            "name": "assignee",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            },
            "description": "Comma list of assignee account ids, any of."
          },
          {
            "name": "label",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            },
            "description": "Comma list of labels, any of (within the entity's own label)."
          },
          {
            "name": "component",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            },
            "description": "Comma list of components, any of (within the entity's own components)."
          },
          {
            "name": "q",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "sort",
            "in": "query",
            "description": "key is natural order (ALPHA-9 before ALPHA-10); priority desc is most urgent first (by priority id, Jira's order for the default scheme); status is workflow order (category to do, in progress, done, then name)",
            "schema": {
              "type": "string",
              "enum": [
                "updated",
                "created",
                "key",
                "priority",
                "status"
              ],
              "default": "updated"
            }
          },
          {
            "name": "order",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "asc",
                "desc"
              ],
              "default": "desc"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "The entity's issues.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntityIssues"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/issues/facets": {
      "get": {
        "operationId": "getEntityIssueFacets",
        "description": "The values the entity tab's filter menus offer, within the entity's selection (live issues the caller may read).",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Distinct values, sorted (statuses in category order, then by name).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "types",
                    "assignees",
                    "labels",
                    "components",
                    "statuses"
                  ],
                  "properties": {
                    "types": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "assignees": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": [
                          "accountId",
                          "displayName"
                        ],
                        "properties": {
                          "accountId": {
                            "type": "string"
                          },
                          "displayName": {
                            "type": [
                              "string",
                              "null"
                            ]
                          }
                        }
                      }
                    },
                    "labels": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "components": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "statuses": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": [
                          "name",
                          "category"
                        ],
                        "properties": {
                          "name": {
                            "type": "string"
                          },
                          "category": {
                            "$ref": "#/components/schemas/StatusCategory"
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/metrics": {
      "get": {
        "operationId": "getEntityFlowMetrics",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "weeks",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 104,
              "default": 12
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Flow metrics computed from the changelog.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FlowMetrics"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/charts/cumulative-flow": {
      "get": {
        "operationId": "getEntityCumulativeFlow",
        "description": "Issues in each status category (by=category) or status (by=status, series in workflow order: category, then first seen) at the end of each day, from the stored histories.\nThe entity's selection as in getEntityIssues; `from` and `to` are ISO dates (UTC days, both\nincluded; a date-time is taken as its UTC day), by default the last 12 weeks, at most 2 years.\n",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/chartFrom"
          },
          {
            "$ref": "#/components/parameters/chartTo"
          },
          {
            "name": "by",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "category",
                "status"
              ],
              "default": "category"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The chart's data.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CumulativeFlow"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/charts/cycle-time": {
      "get": {
        "operationId": "getEntityCycleTime",
        "description": "Issues completed in the window after being in progress: cycle time = first move into an indeterminate status to the completing move into done (as in the flow metrics); percentiles in days.\nThe entity's selection as in getEntityIssues; `from` and `to` are ISO dates (UTC days, both\nincluded; a date-time is taken as its UTC day), by default the last 12 weeks, at most 2 years.\n",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/chartFrom"
          },
          {
            "$ref": "#/components/parameters/chartTo"
          }
        ],
        "responses": {
          "200": {
            "description": "The chart's data.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CycleTimeChart"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/charts/throughput": {
      "get": {
        "operationId": "getEntityThroughput",
        "description": "Issues completed per ISO week (Monday), weeks without completions included.\nThe entity's selection as in getEntityIssues; `from` and `to` are ISO dates (UTC days, both\nincluded; a date-time is taken as its UTC day), by default the last 12 weeks, at most 2 years.\n",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/chartFrom"
          },
          {
            "$ref": "#/components/parameters/chartTo"
          }
        ],
        "responses": {
          "200": {
            "description": "The chart's data.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ThroughputChart"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/entities/{kind}/{namespace}/{name}/charts/time-in-status": {
      "get": {
        "operationId": "getEntityTimeInStatus",
        "description": "Time the issues completed in the window spent in each status until completion, in workflow order.\nThe entity's selection as in getEntityIssues; `from` and `to` are ISO dates (UTC days, both\nincluded; a date-time is taken as its UTC day), by default the last 12 weeks, at most 2 years.\n",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/chartFrom"
          },
          {
            "$ref": "#/components/parameters/chartTo"
          }
        ],
        "responses": {
          "200": {
            "description": "The chart's data.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TimeInStatusChart"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/projects/{projectKey}/metrics": {
      "get": {
        "operationId": "getProjectFlowMetrics",
        "parameters": [
          {
            "name": "projectKey",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "instance",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "weeks",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 104,
              "default": 12
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Flow metrics computed from the changelog.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FlowMetrics"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/syncs": {
      "get": {
        "operationId": "listSyncs",
        "responses": {
          "200": {
            "description": "Every sync in the spec with its state, last run, next run and health.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/SyncStatus"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/syncs/{syncId}/runs": {
      "get": {
        "operationId": "listSyncRuns",
        "parameters": [
          {
            "name": "syncId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200,
              "default": 20
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Newest run first.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Run"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/syncs/{syncId}/trigger": {
      "post": {
        "operationId": "triggerSync",
        "parameters": [
          {
            "name": "syncId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "202": {
            "description": "The run was handed to the scheduler.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "syncId"
                  ],
                  "properties": {
                    "syncId": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "description": "The sync is running already.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                }
              }
            }
          }
        }
      }
    },
    "/syncs/{syncId}/dead-letters": {
      "get": {
        "operationId": "listDeadLetters",
        "parameters": [
          {
            "name": "syncId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "includeResolved",
            "in": "query",
            "schema": {
              "type": "boolean",
              "default": false
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Issues that could not be transformed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DeadLetter"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/syncs/{syncId}/dead-letters/{issueId}/retry": {
      "post": {
        "operationId": "retryDeadLetter",
        "parameters": [
          {
            "name": "syncId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "issueId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The issue was fetched again; outcome says whether it is now stored.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "outcome"
                  ],
                  "properties": {
                    "outcome": {
                      "type": "string",
                      "enum": [
                        "stored",
                        "still-failing",
                        "not-found",
                        "out-of-scope"
                      ]
                    },
                    "error": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "description": "No dead letter waiting for this issue in this sync, or no such sync.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                }
              }
            }
          },
          "500": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/webhook/{instance}": {
      "post": {
        "operationId": "receiveWebhook",
        "description": "Jira admin webhook. Authenticated by X-Hub-Signature (sha256 HMAC of the raw body with the\ninstance's webhookSecret), not by Backstage credentials: an unknown instance, an instance\nwithout webhookSecret, or a missing or wrong signature is 401 and nothing is stored. The\nbody limit is the plugin's webhook body limit (413 above it). At most `webhooks.maxConcurrent`\ndeliveries are processed at once and `webhooks.maxQueued` wait; beyond that the answer is\n503 with Retry-After, and Jira delivers again later.\n",
        "parameters": [
          {
            "name": "instance",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "X-Hub-Signature",
            "in": "header",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "description": "Jira's webhook payload; the signature covers its raw bytes, whatever the content type, and the route parses it itself.",
          "content": {
            "application/json": {
              "schema": {}
            },
            "*/*": {
              "schema": {}
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted; outcome says what was done.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "outcome"
                  ],
                  "properties": {
                    "outcome": {
                      "type": "string",
                      "enum": [
                        "applied",
                        "duplicate",
                        "stale",
                        "dead-lettered",
                        "mapping-unresolved",
                        "deleted",
                        "out-of-scope",
                        "ignored"
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "The signed body is not JSON.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "description": "Too many deliveries at once; Jira retries.",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "parameters": {
      "limit": {
        "name": "limit",
        "in": "query",
        "description": "Page size; values above 500 are lowered to 500.",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "default": 50
        }
      },
      "cursor": {
        "name": "cursor",
        "in": "query",
        "description": "Opaque cursor from the previous page's nextCursor.",
        "schema": {
          "type": "string"
        }
      },
      "chartFrom": {
        "name": "from",
        "in": "query",
        "description": "First day (ISO date); default 83 days before `to`.",
        "schema": {
          "type": "string",
          "format": "date"
        }
      },
      "chartTo": {
        "name": "to",
        "in": "query",
        "description": "Last day (ISO date); default today (UTC).",
        "schema": {
          "type": "string",
          "format": "date"
        }
      }
    },
    "responses": {
      "Error": {
        "description": "Backstage's error body.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      }
    },
    "schemas": {
      "ErrorBody": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "name",
              "message"
            ],
            "properties": {
              "name": {
                "type": "string"
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      },
      "StatusCategory": {
        "type": "string",
        "enum": [
          "new",
          "indeterminate",
          "done"
        ]
      },
      "User": {
        "type": [
          "object",
          "null"
        ],
        "properties": {
          "accountId": {
            "type": [
              "string",
              "null"
            ]
          },
          "displayName": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "Issue": {
        "type": "object",
        "required": [
          "instance",
          "id",
          "key",
          "projectKey",
          "summary",
          "status",
          "statusCategory",
          "created",
          "updated",
          "labels",
          "components",
          "customFields",
          "url"
        ],
        "properties": {
          "instance": {
            "type": "string"
          },
          "id": {
            "type": "string",
            "description": "Jira's numeric issue id, as a string."
          },
          "key": {
            "type": "string"
          },
          "url": {
            "type": "string",
            "description": "The issue in Jira: <instance baseUrl>/browse/<key>; empty when the instance is no longer configured."
          },
          "projectKey": {
            "type": "string"
          },
          "issueType": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "type": [
              "string",
              "null"
            ]
          },
          "statusCategory": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/StatusCategory"
              },
              {
                "type": "null"
              }
            ]
          },
          "priority": {
            "type": [
              "string",
              "null"
            ]
          },
          "summary": {
            "type": [
              "string",
              "null"
            ]
          },
          "assignee": {
            "$ref": "#/components/schemas/User"
          },
          "reporter": {
            "$ref": "#/components/schemas/User"
          },
          "labels": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "components": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "fixVersions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "parent": {
            "type": [
              "object",
              "null"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "key": {
                "type": [
                  "string",
                  "null"
                ]
              }
            }
          },
          "created": {
            "type": "string",
            "format": "date-time"
          },
          "updated": {
            "type": "string",
            "format": "date-time"
          },
          "resolved": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "customFields": {
            "type": "object",
            "additionalProperties": true
          },
          "deleted": {
            "type": [
              "object",
              "null"
            ],
            "properties": {
              "at": {
                "type": "string",
                "format": "date-time"
              },
              "reason": {
                "type": "string"
              }
            }
          }
        }
      },
      "IssuePage": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Issue"
            }
          },
          "nextCursor": {
            "type": "string"
          }
        }
      },
      "Link": {
        "type": "object",
        "required": [
          "id",
          "type",
          "direction",
          "otherIssueId"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "direction": {
            "type": "string",
            "enum": [
              "inward",
              "outward"
            ]
          },
          "description": {
            "type": [
              "string",
              "null"
            ]
          },
          "otherIssueId": {
            "type": "string"
          },
          "otherIssueKey": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "IssueDetail": {
        "allOf": [
          {
            "$ref": "#/components/schemas/Issue"
          },
          {
            "type": "object",
            "required": [
              "links",
              "historyCount"
            ],
            "properties": {
              "links": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Link"
                }
              },
              "historyCount": {
                "type": "integer"
              }
            }
          }
        ]
      },
      "History": {
        "type": "object",
        "required": [
          "id",
          "created",
          "items"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "author": {
            "$ref": "#/components/schemas/User"
          },
          "created": {
            "type": "string",
            "format": "date-time"
          },
          "items": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "field"
              ],
              "properties": {
                "field": {
                  "type": "string"
                },
                "fieldtype": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "fieldId": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "from": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "fromString": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "to": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "toString": {
                  "type": [
                    "string",
                    "null"
                  ]
                }
              }
            }
          }
        }
      },
      "EntityIssues": {
        "type": "object",
        "required": [
          "entityRef",
          "selector",
          "counts",
          "items"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "selector": {
            "type": "object",
            "required": [
              "projectKeys"
            ],
            "properties": {
              "projectKeys": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "component": {
                "type": [
                  "string",
                  "null"
                ],
                "description": "The entity's jira/component."
              },
              "components": {
                "description": "An issue is selected when it has any of these components (jira/component, else jira.com/components); empty when components do not narrow.",
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "label": {
                "type": [
                  "string",
                  "null"
                ]
              }
            }
          },
          "counts": {
            "type": "object",
            "required": [
              "new",
              "indeterminate",
              "done",
              "total"
            ],
            "properties": {
              "new": {
                "type": "integer"
              },
              "indeterminate": {
                "type": "integer"
              },
              "done": {
                "type": "integer"
              },
              "total": {
                "type": "integer"
              }
            }
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Issue"
            }
          },
          "nextCursor": {
            "type": "string"
          },
          "syncs": {
            "description": "The syncs covering the entity's projects, so a card can say how fresh the data is.",
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SyncStatus"
            }
          }
        }
      },
      "FlowMetrics": {
        "type": "object",
        "required": [
          "from",
          "to",
          "issues",
          "cycleTime",
          "leadTime",
          "throughput",
          "timeInStatus"
        ],
        "properties": {
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "issues": {
            "type": "integer",
            "description": "Issues completed (moved into a done status for the last time) from `from` to `to`; every metric is over them."
          },
          "cycleTime": {
            "$ref": "#/components/schemas/DurationStats"
          },
          "leadTime": {
            "$ref": "#/components/schemas/DurationStats"
          },
          "throughput": {
            "type": "array",
            "description": "Issues done per ISO week (Monday start, UTC), oldest first.",
            "items": {
              "type": "object",
              "required": [
                "weekStart",
                "count"
              ],
              "properties": {
                "weekStart": {
                  "type": "string",
                  "format": "date"
                },
                "count": {
                  "type": "integer"
                }
              }
            }
          },
          "timeInStatus": {
            "type": "array",
            "description": "Time the completed issues spent in each status from creation (the status at creation\ncounts) to completion, busiest first. Categories of past statuses are taken from the\nstatuses current issues are in; a status no issue is in now counts as neither in\nprogress nor done.\n",
            "items": {
              "type": "object",
              "required": [
                "status",
                "totalHours",
                "meanHours",
                "issues"
              ],
              "properties": {
                "status": {
                  "type": "string"
                },
                "totalHours": {
                  "type": "number"
                },
                "meanHours": {
                  "type": "number"
                },
                "issues": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "DurationStats": {
        "type": "object",
        "required": [
          "count"
        ],
        "description": "Hours from first move into an in-progress (indeterminate) status to done (cycle), or from creation to done (lead).",
        "properties": {
          "count": {
            "type": "integer"
          },
          "meanHours": {
            "type": [
              "number",
              "null"
            ]
          },
          "medianHours": {
            "type": [
              "number",
              "null"
            ]
          },
          "p85Hours": {
            "type": [
              "number",
              "null"
            ]
          }
        }
      },
      "Run": {
        "type": "object",
        "required": [
          "runId",
          "syncId",
          "strategy",
          "startedAt",
          "outcome"
        ],
        "properties": {
          "runId": {
            "type": "string"
          },
          "syncId": {
            "type": "string"
          },
          "strategy": {
            "type": "string"
          },
          "trigger": {
            "type": "string",
            "description": "schedule, manual (POST /syncs/{syncId}/trigger) or spec-change (a local re-projection)"
          },
          "triggeredBy": {
            "type": [
              "string",
              "null"
            ],
            "description": "Who triggered a manual run (user entity ref or service subject); null otherwise"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "outcome": {
            "type": "string",
            "enum": [
              "running",
              "succeeded",
              "failed",
              "aborted"
            ]
          },
          "error": {
            "type": [
              "string",
              "null"
            ]
          },
          "counters": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          },
          "details": {}
        }
      },
      "SyncHealth": {
        "type": "object",
        "required": [
          "status",
          "reason"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "healthy",
              "degraded",
              "failing",
              "stale",
              "unknown"
            ]
          },
          "reason": {
            "type": "string"
          }
        }
      },
      "SyncStatus": {
        "type": "object",
        "required": [
          "id",
          "instance",
          "strategy",
          "health"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "instance": {
            "type": "string"
          },
          "strategy": {
            "type": "string"
          },
          "projects": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "watermark": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lastFullRun": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lastReconciliation": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lastRun": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Run"
              },
              {
                "type": "null"
              }
            ]
          },
          "lastSuccessAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "nextRunAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "From the scheduler when it can be asked, else estimated from the last start and a fixed interval; null for cron or manual schedules without scheduler state."
          },
          "deadLetters": {
            "type": "integer",
            "description": "Dead letters waiting (not resolved)."
          },
          "issues": {
            "type": "integer",
            "description": "Live issues of the sync's instance and projects; absent when the sync narrows its scope with extra JQL, and in an entity's issue list (which counts the entity's own issues)."
          },
          "health": {
            "$ref": "#/components/schemas/SyncHealth"
          },
          "state": {
            "type": "string",
            "enum": [
              "running",
              "idle",
              "failing",
              "stale"
            ],
            "description": "failing and stale win over running; idle otherwise."
          },
          "reason": {
            "type": "string",
            "description": "Why the sync is in its state."
          },
          "progress": {
            "description": "The running run's live progress, written by the replica running it on every page; null when no run is running.",
            "oneOf": [
              {
                "type": "null"
              },
              {
                "type": "object",
                "required": [
                  "runId",
                  "startedAt",
                  "issuesRead",
                  "issuesExpected",
                  "ratePerSecond",
                  "etaSeconds"
                ],
                "properties": {
                  "runId": {
                    "type": "string"
                  },
                  "startedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "issuesRead": {
                    "type": "integer"
                  },
                  "issuesExpected": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "description": "Jira's approximate count when a full sweep started; null otherwise."
                  },
                  "ratePerSecond": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "etaSeconds": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  }
                }
              }
            ]
          }
        }
      },
      "ChartSeries": {
        "type": "object",
        "required": [
          "key",
          "label",
          "category"
        ],
        "properties": {
          "key": {
            "type": "string"
          },
          "label": {
            "type": "string"
          },
          "category": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/StatusCategory"
              },
              {
                "type": "null"
              }
            ],
            "description": "null: the status's category is unknown (no issue is in it now)."
          }
        }
      },
      "CumulativeFlow": {
        "type": "object",
        "required": [
          "from",
          "to",
          "by",
          "series",
          "points"
        ],
        "properties": {
          "from": {
            "type": "string",
            "format": "date"
          },
          "to": {
            "type": "string",
            "format": "date"
          },
          "by": {
            "type": "string",
            "enum": [
              "category",
              "status"
            ]
          },
          "series": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ChartSeries"
            }
          },
          "points": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "date",
                "counts"
              ],
              "properties": {
                "date": {
                  "type": "string",
                  "format": "date"
                },
                "counts": {
                  "type": "object",
                  "additionalProperties": {
                    "type": "integer"
                  },
                  "description": "Issues per series key at the end of the day."
                }
              }
            }
          }
        }
      },
      "CycleTimeChart": {
        "type": "object",
        "required": [
          "points",
          "percentiles"
        ],
        "properties": {
          "points": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "issueId",
                "key",
                "summary",
                "completedAt",
                "cycleTimeDays"
              ],
              "properties": {
                "issueId": {
                  "type": "string"
                },
                "key": {
                  "type": "string"
                },
                "summary": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "completedAt": {
                  "type": "string",
                  "format": "date-time"
                },
                "cycleTimeDays": {
                  "type": "number"
                }
              }
            }
          },
          "percentiles": {
            "type": "object",
            "required": [
              "p50",
              "p85",
              "p95"
            ],
            "properties": {
              "p50": {
                "type": [
                  "number",
                  "null"
                ]
              },
              "p85": {
                "type": [
                  "number",
                  "null"
                ]
              },
              "p95": {
                "type": [
                  "number",
                  "null"
                ]
              }
            }
          }
        }
      },
      "ThroughputChart": {
        "type": "object",
        "required": [
          "weeks"
        ],
        "properties": {
          "weeks": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "weekStart",
                "completed"
              ],
              "properties": {
                "weekStart": {
                  "type": "string",
                  "format": "date"
                },
                "completed": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "TimeInStatusChart": {
        "type": "object",
        "required": [
          "statuses"
        ],
        "properties": {
          "statuses": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "status",
                "category",
                "issues",
                "medianHours",
                "p85Hours",
                "totalHours"
              ],
              "properties": {
                "status": {
                  "type": "string"
                },
                "category": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/StatusCategory"
                    },
                    {
                      "type": "null"
                    }
                  ]
                },
                "issues": {
                  "type": "integer"
                },
                "medianHours": {
                  "type": "number"
                },
                "p85Hours": {
                  "type": "number"
                },
                "totalHours": {
                  "type": "number"
                }
              }
            }
          }
        }
      },
      "DeadLetter": {
        "type": "object",
        "required": [
          "issueId",
          "error",
          "attempts",
          "firstFailedAt",
          "lastFailedAt"
        ],
        "properties": {
          "issueId": {
            "type": "string"
          },
          "issueKey": {
            "type": [
              "string",
              "null"
            ]
          },
          "error": {
            "type": "string"
          },
          "attempts": {
            "type": "integer"
          },
          "firstFailedAt": {
            "type": "string",
            "format": "date-time"
          },
          "lastFailedAt": {
            "type": "string",
            "format": "date-time"
          },
          "resolvedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      }
    }
  }
} as const;
