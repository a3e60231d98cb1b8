"""Token sign-in for API clients."""
from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

app_name = "accounts_api"
urlpatterns = [path("token/", obtain_auth_token, name="token")]
