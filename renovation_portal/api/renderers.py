"""The API's JSON renderer. Knows no app.

DRF writes JSON as UTF-8 with the characters themselves (``UNICODE_JSON``). A
lone surrogate (half of a UTF-16 pair, which JSON may carry as ``"\\ud800"``)
cannot be encoded as UTF-8, so an answer echoing one — "“\\ud800” is not a
valid choice." — would fail with a 500. Such an answer is written with
``\\u`` escapes instead: still valid JSON, and it says the same thing.

https://www.django-rest-framework.org/api-guide/renderers/#jsonrenderer
"""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            # A renderer is made for each request: changing it is safe.
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
