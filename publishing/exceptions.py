from cms.exceptions import ActionRefused


class SubmitBlocked(ActionRefused):
    """The pre-submit scan found something that blocks, needs a reason, or needs an
    acknowledgement. ``findings`` lists them for the form."""

    def __init__(self, message, findings):
        super().__init__(message)
        self.findings = findings
