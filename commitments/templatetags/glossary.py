"""`{% glossary %}…{% endglossary %}`: the first use on the page of each glossary term, inside the
block, links to its entry (public/glossary.py). Blocks on one page share what they linked, so a term
is linked once a page, wherever it first appears."""

from django import template

from ..public.glossary import link_first_uses

register = template.Library()

LINKED = "_glossary_linked"


class GlossaryNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        page = context.dicts[0]  # one per render of a page, shared by its includes
        linked = page.setdefault(LINKED, set())
        return link_first_uses(self.nodelist.render(context), linked)


@register.tag
def glossary(parser, token):
    nodelist = parser.parse(("endglossary",))
    parser.delete_first_token()
    return GlossaryNode(nodelist)
