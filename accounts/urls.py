"""Account pages beyond sign-in (sign-in and sign-out are top-level: see config/urls.py)."""
app_name = "accounts"
urlpatterns: list = []
