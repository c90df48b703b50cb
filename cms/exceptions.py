class ActionRefused(Exception):
    """A state change that is not allowed for this user or in this state. The message is
    for a person (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
