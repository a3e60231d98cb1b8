from django.urls import path

from . import views

app_name = "calendar"
pages = [path("", views.calendar_page, name="month")]
urlpatterns = pages
