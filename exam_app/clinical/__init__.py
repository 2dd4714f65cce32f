"""Pure clinical logic: vocabulary, grades, scores and the decision-support rules of the spec.

Nothing here imports Qt, SQLAlchemy or any other part of the app.
"""
