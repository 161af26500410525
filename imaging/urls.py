from django.urls import include, path

from . import views

routes = [
    path("cases/<int:pk>/links/", views.CaseLinksView.as_view(), name="api-imaging-case-links"),
    path("cases/<int:pk>/images/", views.CaseImagesView.as_view(),
         name="api-imaging-case-images"),
    path("links/<int:pk>/revoke/", views.LinkRevokeView.as_view(),
         name="api-imaging-link-revoke"),
    path("images/<int:pk>/", views.ImageDetailView.as_view(), name="api-imaging-image"),
    path("images/<int:pk>/display", views.ImageDisplayView.as_view(),
         name="api-imaging-image-display"),
    path("images/<int:pk>/thumbnail", views.ImageThumbnailView.as_view(),
         name="api-imaging-image-thumbnail"),
    path("images/<int:pk>/assess", views.ImageAssessView.as_view(),
         name="api-imaging-image-assess"),
    path("images/<int:pk>/forward", views.ImageForwardView.as_view(),
         name="api-imaging-image-forward"),
    path("assignments/<int:pk>/images/", views.AssignmentImagesView.as_view(),
         name="api-imaging-assignment-images"),
    path("upload/", views.UploadView.as_view(), name="api-imaging-upload"),
]

# Mounted at /api/ like every app; everything of this app is under its own segment.
urlpatterns = [path("imaging/", include(routes))]
