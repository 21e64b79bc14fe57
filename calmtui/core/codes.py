"""The catalogue of diagnostic codes.

A code is never reused or renumbered: it appears in docs, in CI logs and in `--ignore` lists.
Groups: CT1xx files/YAML/shape, CT2xx domain/config/endpoints, CT3xx flows, CT4xx commands and
LLM output (also the reason codes of ignored commands), CT5xx e2e test files, CT6xx knowledge
search and generated responses (answers, chitchat, rephrasing), CT7xx languages and
translations (docs/languages.md).
Every code here has a section in `docs/diagnostics.md` (a test checks both directions).
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # --- CT1xx: files, YAML and the shape of data -------------------------------------------
    "CT100": "no project found at the given path",
    "CT101": "YAML syntax error",
    "CT102": "duplicate key in a mapping",
    "CT103": "file is binary or not UTF-8 text",
    "CT104": "YAML nesting or alias limit exceeded",
    "CT105": "unsupported YAML tag",
    "CT106": "invalid mapping key",
    "CT107": "file too large",
    "CT108": "file or directory cannot be read",
    "CT109": "file has the wrong top-level shape",
    "CT110": "value has the wrong type",
    "CT111": "unknown key",
    "CT112": "required key missing",
    "CT113": "empty file",
    "CT120": ".env line cannot be parsed",
    "CT121": "environment variable referenced but not set",
    "CT180": "YAML aliases expand the file past the value limit",
    "CT181": "YAML file holds too many values",
    # --- CT2xx: domain, config, endpoints -----------------------------------------------------
    "CT200": "no domain found",
    "CT201": "unknown slot type",
    "CT202": "categorical slot without values",
    "CT203": "initial value does not fit the slot type",
    "CT204": "unknown slot mapping type",
    "CT205": "NLU-based slot mapping in a CALM assistant",
    "CT206": "response has no usable variation",
    "CT207": "defined more than once across domain files",
    "CT208": "empty placeholder in a response",
    "CT209": "response text refers to an unknown slot",
    "CT210": "invalid response condition",
    "CT211": "response condition refers to an unknown slot",
    "CT212": "button without a payload",
    "CT213": "button payload sets an unknown slot",
    "CT214": "button payload value does not fit the slot",
    "CT215": "button payload refers to an unknown intent",
    "CT216": "invalid slot validation",
    "CT217": "invalid csat_score slot",
    "CT218": "slot mapping runs an unknown action",
    "CT219": "LLM-filled slots but no LLM command generator",
    "CT220": "allow_nlu_correction without an NLU command adapter",
    "CT221": "forms are ignored in CALM assistants",
    "CT222": "stories, rules or NLU data are ignored",
    "CT223": "slot name is not valid",
    "CT224": "invalid action entry",
    "CT225": "button payload cannot be read",
    "CT230": "assistant_id missing or a placeholder",
    "CT231": "unknown pipeline component or policy",
    "CT232": "unknown model group",
    "CT233": "prompt template cannot be used",
    "CT234": "invalid model group",
    "CT235": "action endpoint misconfigured",
    "CT236": "invalid component option",
    "CT237": "model group router missing or invalid",
    "CT240": "response is never used",
    "CT241": "slot is never used",
    "CT242": "action is never used",
    "CT243": "custom action not found in the actions module",
    "CT244": "the actions code cannot be imported",
    # CT270-CT279: issue 11 (what Rasa accepts and refuses; what calmtui does not run)
    "CT270": "environment variable in a model setting Rasa reads as written",
    "CT271": "api_key written out instead of an environment variable",
    "CT272": "response has an empty list of variations",
    "CT273": "coexistence router set up in a way Rasa refuses",
    "CT275": "component or policy that calmtui does not run",
    "CT276": "endpoints setting that calmtui does not use",
    "CT277": "the NLU-based half of a coexistence project is not run",
    "CT278": "calmtui settings in config.yml cannot be used",
    # --- CT3xx: flows ---------------------------------------------------------------------------
    "CT300": "no flows found",
    "CT301": "unknown key in a flow or step",
    "CT302": "collect step asks for an unknown slot",
    "CT303": "flow has no steps",
    "CT304": "empty branch",
    "CT305": "reserved step id",
    "CT306": "duplicate step id",
    "CT307": "branches without an else",
    "CT308": "link step with next",
    "CT309": "step type missing or ambiguous",
    "CT310": "last step of a branch has no next",
    "CT311": "next points at an unknown step",
    "CT312": "unreachable step",
    "CT313": "duplicate flow id",
    "CT314": "NLU trigger intent used by several flows",
    "CT315": "link to an unknown flow",
    "CT316": "call to an unknown flow",
    "CT317": "called flow contains a link",
    "CT318": "user flow links to or calls a pattern",
    "CT319": "pattern links to or calls a flow",
    "CT320": "invalid slot name in a flow",
    "CT321": "invalid flow id",
    "CT322": "condition syntax error",
    "CT323": "condition uses a name outside slots./context.",
    "CT324": "condition refers to an unknown slot",
    "CT325": "categorical literal not among the slot's values",
    "CT326": "boolean slot compared to a non-boolean",
    "CT327": "persisted slot not collected or set in the flow",
    "CT328": "conflicting slot persistence settings",
    "CT329": "reset_after_flow_ends is deprecated",
    "CT330": "collect step asks for a list slot",
    "CT331": "collect step has both a response and an action to ask",
    "CT332": "collect step has no way to ask",
    "CT333": "set_slots sets an unknown slot",
    "CT334": "set_slots sets a list slot",
    "CT335": "action step runs an unknown action",
    "CT336": "rejection uses an unknown response",
    "CT337": "flow descriptions are not unique",
    "CT338": "flow names are not unique",
    "CT339": "flow without a description",
    "CT340": "set_slots value does not fit the slot type",
    "CT341": "noop step without next",
    "CT342": "collect step asks with an unknown response",
    "CT343": "flow can only be reached by link or call",
    "CT344": "flows call each other in a cycle",
    "CT345": "NLU trigger intent not in the domain",
    "CT346": "invalid step id",
    "CT347": "invalid set_slots entry",
    "CT350": "extra key in a collect step's rejection is ignored",
    # CT370-CT379: issue 11 (keys Rasa ignores; properties calmtui does not act on)
    "CT370": "extra key in a step or branch is ignored, as Rasa does",
    "CT371": "flow or step property that calmtui does not act on",
    "CT372": "pattern that calmtui never starts",
    # --- CT4xx: commands and LLM output (also the reasons of ignored/rewritten commands) -------
    "CT400": "a line of the LLM's answer is not a command",
    "CT401": "the flow is already active",
    "CT402": "the slot is not collected by the active flow",
    "CT403": "unknown flow",
    "CT404": "unknown slot",
    "CT405": "the slot's mappings do not allow this extractor",
    "CT406": "duplicate command",
    "CT407": "clarify dropped because other commands were given",
    "CT408": "cannot handle dropped because other commands remain",
    "CT409": "the flow's guard does not allow starting it now",
    "CT410": "the slot already has this value",
    "CT411": "correction without a flow that collects the slot",
    "CT412": "cancel without an active flow",
    "CT413": "skip question without a question being asked",
    "CT414": "the LLM may not overwrite a value set by NLU",
    "CT415": "a filled slot was set again: treated as a correction",
    "CT416": "clarify with one option: the flow is started",
    "CT417": "'set slot flow_name' rewritten to start the flow",
    "CT418": "force_slot_filling keeps only the answer to the question",
    "CT419": "the slot is asked for later (ask_before_filling)",
    "CT420": "the flows changed: the conversation is cleaned up",
    "CT421": "chitchat is not available: cannot handle",
    "CT422": "a pattern cannot be started by a command",
    "CT423": "clarify option is not a startable flow",
    "CT424": "only one command of this kind per turn",
    "CT425": "several flows to start: clarify instead",
    "CT426": "nothing the message asked for could be done: cannot handle",
    # CT430-CT449: understanding (the command generators), see docs/understanding.md
    "CT430": "slot value is not one of the slot's allowed values",
    "CT431": "this command cannot come from understanding",
    "CT432": "the language model call failed",
    "CT433": "the language model gave an empty reply",
    "CT434": "replay: no recording for this prompt",
    "CT435": "the prompt template cannot be rendered",
    "CT436": "nothing usable was understood: cannot handle",
    "CT480": "the reply carries more commands than one turn may apply",
    # --- CT5xx: e2e test files (calmtui test) -----------------------------------------------------
    "CT500": "test file has the wrong shape",
    "CT501": "unknown key in a test file",
    "CT502": "unknown assertion type",
    "CT503": "test step type missing or ambiguous",
    "CT504": "step styles mixed in one test case",
    "CT505": "invalid value in a test file",
    "CT506": "required key missing in a test file",
    "CT507": "duplicate test case name",
    "CT508": "unknown fixture",
    "CT509": "unknown metadata",
    "CT510": "test refers to an unknown flow",
    "CT511": "test refers to an unknown slot",
    "CT512": "test refers to an unknown response or action",
    "CT513": "stub for an action the project lacks",
    "CT514": "stub for a test case that does not exist",
    "CT515": "commands line cannot be parsed",
    "CT516": "invalid mocked_datetime fixture",
    "CT517": "repeated user message without metadata",
    "CT518": "empty user message",
    "CT519": "invalid regular expression",
    "CT520": "no test case with this name",
    "CT521": "invalid conftest.yml",
    "CT530": "e2e test case failed",
    # --- CT6xx: knowledge search and generated responses ------------------------------------
    "CT600": "the search source folder does not exist",
    "CT601": "a document cannot be indexed",
    "CT602": "the search source folder has no documents",
    "CT603": "external vector store calmtui cannot query",
    "CT604": "dense retrieval needs faiss",
    "CT605": "embeddings for knowledge search failed",
    "CT606": "EnterpriseSearchPolicy without action_trigger_search",
    "CT607": "action_trigger_search without EnterpriseSearchPolicy",
    "CT608": "invalid option of a generative component",
    "CT609": "option calmtui does not use",
    "CT610": "the knowledge answer failed",
    "CT611": "offline: responses are not rephrased",
    "CT612": "rephrasing a response failed: the template text is kept",
    "CT613": "nlg endpoint calmtui does not call",
    "CT614": "offline: the fixed chitchat response",
    "CT615": "the chitchat reply failed",
    # --- CT7xx: languages and translations (docs/languages.md) -------------------------------
    "CT700": "invalid language code",
    "CT701": "the default language is also an additional language",
    "CT702": "language listed twice",
    "CT703": "the project defines the built-in language slot",
    "CT704": "translation for a language that is not configured",
    "CT705": "translation has the wrong shape",
    "CT706": "responses without a translation for a configured language",
    "CT707": "flows without a translated name for a configured language",
    "CT708": "a language that is not configured was asked for",
    "CT709": "value the language slot does not allow",
    "CT710": "response said without a translation",
    "CT711": "offline understanding has no stemmer for a language",
}


# -- issue 11: accept what Rasa accepts ------------------------------------------------------------
# Warnings where calmtui is stricter than Rasa by opinion (Rasa accepts the file and runs it):
# `--strict` (or `calmtui: {strict: true}` in config.yml) turns them into errors. Keys Rasa
# accepts and ignores by design (CT350, CT370, CT504) and what calmtui does not run (CT275-CT277,
# CT371, CT372) are plain warnings. The table in docs/diagnostics.md lists every code with its
# severity and whether Rasa refuses the same input (tests/core/test_codes_audit.py).
STRICT_CODES: frozenset[str] = frozenset(
    {
        "CT202",  # categorical slot without values
        "CT203",  # initial value does not fit the slot type
        "CT223",  # slot name Rasa does not check (only collected slots must match)
        "CT236",  # component option of the wrong type (Rasa reads options as written)
        "CT608",  # generative component option of the wrong type (the default is used)
        "CT272",  # response with an empty list of variations
        "CT336",  # a collect step's rejection names an unknown response
        "CT340",  # set_slots value that does not fit the slot type
        "CT346",  # step id with whitespace
        "CT508",  # unknown fixture (Rasa runs the case without it)
        "CT509",  # unknown metadata (Rasa warns and runs the case without it)
        "CT510",  # a test names an unknown flow
        "CT511",  # a test names an unknown slot
        "CT512",  # a test names an unknown response or action
        "CT513",  # stub for an action the project lacks (Rasa never uses it)
    }
)
# Codes a user can never silence: without a project there is nothing to run.
UNSILENCEABLE: frozenset[str] = frozenset({"CT100"})


def title(code: str) -> str:
    return CODES.get(code, "")
