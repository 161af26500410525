from django.urls import include, path

from . import views

routes = [
    path("vapid-public-key/", views.VapidPublicKeyView.as_view(), name="api-push-vapid-key"),
    path("subscriptions/", views.SubscriptionCreateView.as_view(),
         name="api-push-subscriptions"),
    path("subscriptions/<uuid:device_id>/", views.SubscriptionDetailView.as_view(),
         name="api-push-subscription"),
    path("sms/delivery/<str:secret>/", views.SmsDeliveryView.as_view(),
         name="api-push-sms-delivery"),
]

# Mounted at /api/ like every app; everything of this app is under its own segment.
urlpatterns = [path("push/", include(routes))]
