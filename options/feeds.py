from policyhub.editorial.site import site_name
from publications.feeds import AtomMixin, SubjectFeed

from .models import PolicyQuestion


class QuestionFeed(SubjectFeed):
    """The publications cited by a question's visible options, newest first.

    A feed of publications rather than of options: every feed on the site has the same kind of
    item, and a new publication arguing about the question is the news a reader follows it for.
    """

    def get_subjects(self):
        return PolicyQuestion.objects.published()

    def subject_name(self, obj):
        return obj.title

    def description(self, obj):
        return (
            obj.summary
            or f"Publications cited by the policy options on “{obj.title}” at {site_name()}."
        )

    def publications(self, obj):
        return obj.citing_publications()


class QuestionAtomFeed(AtomMixin, QuestionFeed):
    pass
